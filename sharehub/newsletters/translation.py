from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ko",)


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("subject", "body_html", "body_text")
    required_languages = ("ko",)
