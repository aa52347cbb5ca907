from modeltranslation.translator import TranslationOptions, register

from .models import Dataset, OfficialIndicator, Resource, Scoring, ScoringTier


@register(OfficialIndicator)
class OfficialIndicatorTranslation(TranslationOptions):
    fields = ("name", "unit", "definition", "method", "source")
    required_languages = ("ko",)


@register(Scoring)
class ScoringTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("ko",)


@register(ScoringTier)
class ScoringTierTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)


@register(Dataset)
class DatasetTranslation(TranslationOptions):
    fields = ("title", "description", "keywords")
    required_languages = ("ko",)


@register(Resource)
class ResourceTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("ko",)
