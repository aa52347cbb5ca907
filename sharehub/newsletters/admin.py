from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Campaign, ConsentRecord, Delivery, Subscriber, Topic


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ("name", "slug", "order", "active")
    prepopulated_fields = {"slug": ("name_en",)}


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    readonly_fields = ("action", "text_version", "text", "ip", "created_at")
    can_delete = False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "status", "language", "district", "created_at", "confirmed_at")
    list_filter = ("status", "language")
    search_fields = ("email",)
    raw_id_fields = ("user",)
    # Set by the sender (a refusal at RCPT), a bounce list or the webhook: why this address gets nothing.
    readonly_fields = ("bounced_at", "bounce_reason")
    inlines = [ConsentInline]


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = (
        "subject",
        "status",
        "scheduled_at",
        "total_count",
        "sent_count",
        "failed_count",
    )
    list_filter = ("status",)
    readonly_fields = (
        "recipients_ready",
        "total_count",
        "sent_count",
        "failed_count",
        "started_at",
        "finished_at",
    )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("campaign", "subscriber", "status", "attempts", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("campaign", "subscriber")
