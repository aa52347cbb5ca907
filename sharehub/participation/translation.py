from modeltranslation.translator import TranslationOptions, register

from .models import AnswerTemplate, Committee, Milestone, PolicyArea, Result


@register(Committee)
class CommitteeTranslation(TranslationOptions):
    fields = ("name", "remit")
    required_languages = ("ko",)


@register(PolicyArea)
class PolicyAreaTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ko",)


@register(AnswerTemplate)
class AnswerTemplateTranslation(TranslationOptions):
    fields = ("name", "reasons")
    required_languages = ("ko",)


@register(Result)
class ResultTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("ko",)


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("ko",)
