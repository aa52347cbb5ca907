from modeltranslation.translator import TranslationOptions, register

from .models import Event, EventQuestion, EventSession


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "venue")
    required_languages = ("ko",)


@register(EventQuestion)
class EventQuestionTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("ko",)


@register(EventSession)
class EventSessionTranslation(TranslationOptions):
    fields = ("title",)
