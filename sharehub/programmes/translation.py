from modeltranslation.translator import TranslationOptions, register

from .models import Call, CallDocument, Criterion, FormField, Track


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    required_languages = ("ko",)


@register(Track)
class TrackTranslation(TranslationOptions):
    fields = ("name", "themes")
    required_languages = ("ko",)


@register(FormField)
class FormFieldTranslation(TranslationOptions):
    fields = ("label", "help_text")
    required_languages = ("ko",)


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ko",)


@register(CallDocument)
class CallDocumentTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("ko",)
