from modeltranslation.translator import TranslationOptions, register

from .models import ReviewStage, ScoreCriterion


@register(ReviewStage)
class ReviewStageTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)


@register(ScoreCriterion)
class ScoreCriterionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)
