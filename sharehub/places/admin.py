from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import District, Neighbourhood


@admin.register(District)
class DistrictAdmin(TranslationAdmin):
    list_display = ("name", "code", "slug", "latitude", "longitude")
    search_fields = ("code", "slug", "name_ko", "name_en")
    ordering = ("code",)

    def get_queryset(self, request):
        # The change list never shows boundaries; the change form loads its one boundary on access.
        return super().get_queryset(request).defer("boundary")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(TranslationAdmin):
    list_display = ("name", "code", "district", "latitude", "longitude")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("code", "name_ko", "name_en")
    ordering = ("code",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary", "district__boundary")
