from django.contrib import admin

from .models import Article, Milestone, Page, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ko", "name_en")
    search_fields = ("slug", "name_ko", "name_en")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """For looking things up and fixing typos; the workflow (submit, publish, return) is on the site."""

    list_display = (
        "title_ko",
        "kind",
        "organization",
        "status",
        "publish_at",
        "moderation_status",
        "licence",
    )
    list_filter = ("kind", "status", "licence", "moderation_status")
    search_fields = ("title_ko", "title_en", "slug")
    raw_id_fields = ("organization", "created_by", "published_by", "moderated_by")
    filter_horizontal = ("tags", "districts")
    # The cover goes through the checked, re-encoding service (core.images), not the admin.
    readonly_fields = (
        "status",
        "publish_at",
        "published_by",
        "submitted_at",
        "announced_at",
        "moderation_status",
        "cover_image",
    )
    exclude = ("listings",)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_ko", "order", "show_timeline", "updated_at")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("date", "precision", "event_ko", "figure_ko")
