from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Consent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_city_staff",
        "is_moderator",
        "is_superuser",
        "is_active",
    ]
    list_filter = ["is_city_staff", "is_moderator", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "preferred_language", "home_district")}),
        (
            _("Roles"),
            {
                "fields": (
                    "is_active",
                    "is_city_staff",
                    "is_moderator",
                    "is_staff",
                    "is_superuser",
                    "groups",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "deleted_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "deleted_at"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "version", "given_at", "withdrawn_at"]
    list_filter = ["kind", "version"]
    readonly_fields = ["user", "kind", "version", "given_at", "ip_address", "withdrawn_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]
