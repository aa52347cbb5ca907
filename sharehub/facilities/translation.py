from modeltranslation.translator import TranslationOptions, register

from .models import Closure, Feature, Space, SpacePhoto


@register(Feature)
class FeatureTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)


@register(Space)
class SpaceTranslation(TranslationOptions):
    fields = ("name", "description", "office", "exemptions")
    required_languages = ("ko",)


@register(Closure)
class ClosureTranslation(TranslationOptions):
    fields = ("reason",)
    required_languages = ("ko",)


@register(SpacePhoto)
class SpacePhotoTranslation(TranslationOptions):
    fields = ("alt",)
    required_languages = ("ko",)
