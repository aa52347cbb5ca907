from modeltranslation.translator import TranslationOptions, register

from .models import Committee, PolicyArea


@register(Committee)
class CommitteeTranslation(TranslationOptions):
    fields = ("name", "remit")
    required_languages = ("ko",)


@register(PolicyArea)
class PolicyAreaTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ko",)
