from django.contrib import admin

from .models import Category, Listing, Service, Suggestion


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ko", "name_en", "order", "active")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("organization", "updated_at")
    raw_id_fields = ("organization",)
    filter_horizontal = ("categories", "districts_served")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name_ko", "listing", "price_type")
    raw_id_fields = ("listing",)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("kind", "listing", "moderation_status", "created_at")
    raw_id_fields = ("listing", "created_by")
