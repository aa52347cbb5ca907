from modeltranslation.translator import TranslationOptions, register

from .models import Article, Milestone, Page, Tag


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "cover_alt")
    required_languages = {"ko": ("title",)}


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    required_languages = {"ko": ("title",)}


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("event", "figure")
