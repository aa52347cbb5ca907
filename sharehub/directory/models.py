"""The directory: each organization's public listing, its services, and the city's categories.

A listing is public when its organization is published and the listing itself is published. A
listing an organization's member creates waits for a moderator, as the organization did; listings
city staff create (the demo, the CSV import, an applied suggestion) are published at once, and
later edits publish at once (logged and reportable). Hiding an organization hides its listing too.
What the public proposes arrives as a `Suggestion`, which goes through the moderation queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharehub.core.counts import KeptCount
from sharehub.core.urlmemo import reverse
from sharehub.moderation.models import Moderated, ModerationStatus
from sharehub.organizations.models import phone_validator

SUMMARY_MAX = 300
DESCRIPTION_MAX = 5000


class Category(models.Model):
    """A field of the sharing economy (space, goods and tools, …): a taxonomy city staff edit."""

    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)  # name_ko / name_en
    description = models.CharField(_("description"), max_length=300, blank=True)  # _ko / _en
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive categories are kept but not offered.")
    )

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str | None
        name_en: str | None
        description_ko: str | None
        description_en: str | None

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Listing(Moderated):
    # Published by default: every path but a member's own creation (services.ensure_listing,
    # which asks for review) is the city's, and existing rows were the city's.
    moderation_status = models.CharField(
        _("moderation status"),
        max_length=12,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
        db_index=True,
    )
    organization = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="listing",
    )
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX, blank=True)  # _ko / _en
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX,
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
    )  # _ko / _en
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="listings"
    )
    districts_served = models.ManyToManyField(
        "places.District",
        verbose_name=_("districts served"),
        blank=True,
        related_name="listings_serving",
        help_text=_("Leave empty when it serves the whole city."),
    )
    opening_hours = models.TextField(
        _("opening hours"), max_length=1000, blank=True, validators=[MaxLengthValidator(1000)]
    )  # _ko / _en
    phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        summary_ko: str | None
        summary_en: str | None
        description_ko: str | None
        description_en: str | None
        opening_hours_ko: str | None
        opening_hours_en: str | None

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.organization)

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", kwargs={"slug": self.organization.slug})

    @property
    def is_public(self) -> bool:
        return self.is_published and self.organization.is_published

    def moderation_authors(self) -> list:
        """The organization's members are told of decisions on its listing."""
        return self.organization.moderation_authors()


class ListingLink(models.Model):
    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.CASCADE, related_name="links"
    )
    label = models.CharField(_("label"), max_length=80)
    url = models.URLField(_("address"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class ListingAddress(models.Model):
    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.CASCADE, related_name="addresses"
    )
    # What the place is called, in words (label_ko / label_en): the address itself is a proper
    # noun and stays as written.
    label = models.CharField(
        _("place name"),
        max_length=80,
        blank=True,
        help_text=_("For example: main office, around Gwangjin-gu."),
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listing_addresses",
    )

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        label_ko: str | None
        label_en: str | None

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="listing_address_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ListingPhoto(models.Model):
    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="directory/photos/")
    alt = models.CharField(
        _("text alternative"),
        max_length=200,
        help_text=_("What the photo shows, for people who cannot see it."),
    )  # alt_ko (required) / alt_en
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        alt_ko: str | None
        alt_en: str | None

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.alt


class Sort(models.TextChoices):
    """The orders of the browse list (the `sort` filter)."""

    NAME = "name", _("Name")
    NEWEST = "newest", _("Newest")
    DISTANCE = "distance", _("Distance")


class PriceType(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")
    DEPOSIT = "deposit", _("Deposit")
    MEMBERSHIP = "membership", _("Membership")
    # What a service costs is not known (the demo's sources rarely say): never shown as "free".
    NOT_LISTED = "not_listed", _("Price not listed")


class Service(models.Model):
    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=120)  # _ko / _en
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )  # _ko / _en
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    price_type = models.CharField(
        _("price"), max_length=12, choices=PriceType.choices, default=PriceType.FREE
    )
    how_to_use = models.TextField(
        _("how to use it"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )  # _ko / _en
    link = models.URLField(_("link"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str | None
        name_en: str | None
        description_ko: str | None
        description_en: str | None
        how_to_use_ko: str | None
        how_to_use_en: str | None

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_type__in=PriceType.values), name="service_price_type_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SuggestionKind(models.TextChoices):
    NEW_LISTING = "new_listing", _("A missing organization")
    NEW_SERVICE = "new_service", _("A missing service")
    CORRECTION = "correction", _("A correction")


class Suggestion(Moderated):
    """What a signed-in person proposes. Publishing it (a moderator) applies it; see handlers.py."""

    kind = models.CharField(_("kind"), max_length=20, choices=SuggestionKind.choices)
    listing = models.ForeignKey(
        Listing,
        verbose_name=_("listing"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    payload = models.JSONField(_("proposed values"), default=dict, blank=True)
    message = models.TextField(
        _("message"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="directory_suggestions",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("directory suggestion")
        verbose_name_plural = _("directory suggestions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SuggestionKind.values), name="suggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="new_listing") | models.Q(listing__isnull=False),
                name="suggestion_target_required",
            ),
        ]

    def __str__(self) -> str:
        title = self.payload.get("name_ko") or self.payload.get("name_en") or ""
        target = str(self.listing) if self.listing_id else title
        return f"{self.get_kind_display()}: {target}".strip()

    def get_absolute_url(self) -> str:
        return reverse("directory:suggestion", kwargs={"pk": self.pk})


class CsvImport(models.Model):
    """A CSV upload kept between its preview and its confirmation, so the rows written are the
    ones the server parsed, never rows sent back by the browser. Only its uploader confirms it;
    once applied it stays as the record of what was imported."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename or str(self.pk)


class ListingCount(KeptCount):
    """The kept numbers of public listings per browse filter (directory.counts, core.counts)."""

    class Meta:
        verbose_name = _("listing count")
        verbose_name_plural = _("listing counts")
