from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sharehub.core.counts import KeptCount
from sharehub.core.urlmemo import reverse
from sharehub.moderation.models import Moderated

phone_validator = RegexValidator(
    r"^[0-9+()\-\s]{6,20}$", _("Enter a phone number with digits, spaces, +, - or ().")
)


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Sharing enterprise")
    NONPROFIT = "nonprofit", _("Non-profit organization")
    COOPERATIVE = "cooperative", _("Cooperative")
    PUBLIC = "public", _("Public body")
    COMMUNITY = "community", _("Community group")


class Organization(Moderated):
    """A sharing enterprise, non-profit, cooperative, public body or community group.

    Its members (owners and editors) manage it; the services keep at least one owner.
    """

    slug = models.SlugField(_("address name"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=120)  # name_ko / name_en
    kind = models.CharField(_("type"), max_length=20, choices=OrganizationKind.choices)
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    # TextField's max_length only reaches forms; the validator makes full_clean() enforce it too.
    description = models.TextField(
        _("description"), max_length=5000, blank=True, validators=[MaxLengthValidator(5000)]
    )  # description_ko / _en
    logo = models.ImageField(_("logo"), upload_to="organizations/logos/", blank=True)
    source = models.CharField(
        _("source"),
        max_length=1000,
        blank=True,
        help_text=_("Where the public facts about it come from."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    if TYPE_CHECKING:
        # Columns modeltranslation adds (translation.py); the English ones may be empty or None.
        name_ko: str
        name_en: str | None
        description_ko: str
        description_en: str | None
        # Not a column: the new name waiting for review, set by services.update_organization
        # and the API's detail for those who may edit.
        pending_name_change: NameChangeRequest | None

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_ko", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            )
        ]
        indexes = [
            # The public list reads published rows in name order: an index avoids sorting the table
            # (bench/: 21 ms → 0.1 ms per page at 10,000 organizations on PostgreSQL).
            models.Index(
                fields=["name_ko", "id"],
                name="organization_published_name",
                condition=models.Q(moderation_status="published"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    def moderation_authors(self) -> list:
        """Moderators' decisions are told to every member: they all see the notice on the page."""
        return [m.user for m in self.memberships.select_related("user").order_by("joined_at", "pk")]


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.EDITOR
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_membership_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


class Invitation(models.Model):
    """An invitation by e-mail. The link carries a token signed over (pk, e-mail) and expires.

    The token itself is never stored: it is rebuilt only when the e-mail is sent.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.EDITOR
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(
        pgettext_lazy("invitation", "revoked at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class NameChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", pgettext_lazy("name change", "Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("name change", "Withdrawn")


class NameChangeRequest(models.Model):
    """A new public name a member proposed for a published organization (Decidim/CONSUL style).

    The old name stays public until city staff or a moderator approves the request. The listing in
    the directory shows its organization's name, so this also covers the listing's name.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="name_changes",
    )
    name_ko = models.CharField(_("Name in Korean"), max_length=120)
    name_en = models.CharField(_("Name in English"), max_length=120, blank=True)
    previous_name_ko = models.CharField(_("previous name in Korean"), max_length=120, blank=True)
    previous_name_en = models.CharField(_("previous name in English"), max_length=120, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NameChangeStatus.choices,
        default=NameChangeStatus.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("name change")
        verbose_name_plural = _("name changes")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status="pending"),
                name="one_pending_name_change_per_organization",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NameChangeStatus.values),
                name="name_change_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="name_change_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous_name_ko} → {self.name_ko}"

    @property
    def is_pending(self) -> bool:
        return self.status == NameChangeStatus.PENDING

    @property
    def name(self) -> str:
        """The proposed name in the active language (Korean as fallback), or, when only the other
        language's name changes, that one: a notice must name what was asked for."""
        return self._in_reader_language(self.name_ko, self.name_en)

    @property
    def previous_name(self) -> str:
        return self._in_reader_language(self.previous_name_ko, self.previous_name_en)

    def _in_reader_language(self, ko: str, en: str) -> str:
        """The reader's language, unless only the other language's name is what changes."""
        ko_changed = self.name_ko != self.previous_name_ko
        en_changed = (self.name_en or "") != (self.previous_name_en or "")
        english = (get_language() or "").startswith("en")
        wants_en = (en_changed or not ko_changed) if english else (en_changed and not ko_changed)
        return en if wants_en and en else ko


class OrganizationCount(KeptCount):
    """The kept numbers of published organizations per list filter (organizations.counts)."""

    class Meta:
        verbose_name = _("organization count")
        verbose_name_plural = _("organization counts")
