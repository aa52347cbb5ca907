"""Administration of organizations. Members and invitations are read-only here: their rules
(an organization always keeps an owner, invitations are signed and audited) live in the services,
and the members page is where they change."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Invitation, Membership, NameChangeRequest, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(TranslationAdmin):
    list_display = ["name", "kind", "district", "moderation_status", "created_at"]
    list_filter = ["moderation_status", "kind", "district"]
    search_fields = ["name_ko", "name_en", "slug"]
    list_select_related = ["district"]
    # Moderation goes through the moderation queue, which audits and notifies.
    readonly_fields = [
        "slug",
        "created_by",
        "created_at",
        "updated_at",
        "moderation_status",
        "moderation_reason",
        "moderated_by",
        "moderated_at",
        "logo",  # uploads go through the checked, re-encoding service (core.images), not the admin
    ]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organization__name_ko", "organization__name_en"]
    list_select_related = ["organization"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NameChangeRequest)
class NameChangeRequestAdmin(admin.ModelAdmin):
    """Read-only: decisions go through the review page, which audits and notifies."""

    list_display = [
        "organization",
        "name_ko",
        "status",
        "requested_by",
        "requested_at",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["name_ko", "name_en", "organization__name_ko"]
    list_select_related = ["organization", "requested_by"]
    readonly_fields = [f.name for f in NameChangeRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
