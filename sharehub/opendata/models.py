"""Open data (공공데이터): the hub's indicators, the city's official statistics, the district
incentive scoreboard and the data catalogue.

- Indicators computed from the hub's own operations are defined in code
  (`opendata.indicators`), never stored: they are always current. The city's **official
  statistics** are imported from CSV into `Statistic` rows of an `OfficialIndicator`.
- A **scoring** (`Scoring`, its `ScoringCriterion` rows and `ScoringTier` rows) ranks the
  districts. While a draft it is computed live; publishing freezes it: the rules are copied into
  `Scoring.rules` and each district's result into a `RankingEntry`, and later data never changes
  them.
- The **catalogue**: a `Dataset` (or a dataset series, `kind=series`, whose members point at it)
  holds `Resource` rows, each either uploaded by staff (every replaced file is kept as a
  `ResourceVersion`) or generated live from the hub by a registered generator
  (`opendata.generators`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.uploads import private_storage
from sharehub.core.urlmemo import reverse
from sharehub.organizations.models import Organization
from sharehub.places.models import District

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# --- Official statistics -------------------------------------------------------------------


class OfficialIndicator(models.Model):
    """An indicator whose values the city imports (population, area, a ministry's survey…).
    Referred to by its `code` in the import CSV and in scorings (`official:<code>`)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    method = models.TextField(_("method"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str
        name_en: str | None

    class Meta:
        verbose_name = _("official indicator")
        verbose_name_plural = _("official indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Period(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class StatisticImport(models.Model):
    """One CSV import: who, when, which file and encoding, what it wrote."""

    created_at = models.DateTimeField(_("imported at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("values added"), default=0)
    updated = models.PositiveIntegerField(_("values replaced"), default=0)

    class Meta:
        verbose_name = _("statistics import")
        verbose_name_plural = _("statistics imports")
        ordering = ["-created_at", "-pk"]


class Statistic(models.Model):
    """One official value: an indicator for a district (or the whole city, no district) and a
    period. A period is a year ("2024"), a quarter ("2024-Q1") or a month ("2024-03"); `starts`
    is its first day, so periods sort and filter as dates. Importing the same indicator, district
    and period again replaces the value."""

    indicator = models.ForeignKey(
        OfficialIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=10)
    period_kind = models.CharField(_("kind of period"), max_length=10, choices=Period.choices)
    starts = models.DateField(_("period starts"), db_index=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    imported = models.ForeignKey(
        StatisticImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="values",
    )

    class Meta:
        verbose_name = _("official statistic")
        verbose_name_plural = _("official statistics")
        ordering = ["indicator", "starts", "district"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "district", "period"],
                condition=Q(district__isnull=False),
                name="statistic_one_per_district_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(district__isnull=True),
                name="statistic_one_citywide_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"


# --- The district incentive scoreboard -----------------------------------------------------


class ScoringStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("scoring", "Published")


class Normalisation(models.TextChoices):
    """What a district's raw value is divided by before it is compared."""

    NONE = "none", _("None (the value itself)")
    POPULATION = "population", _("Per 10,000 residents")
    AREA = "area", _("Per square kilometre")
    SPACE = "space", _("Per public space")


class Scoring(models.Model):
    """The city's rules for ranking the districts over a period (Seoul's 2014 evaluation of the
    25 districts: relative and absolute scoring, tiers, prizes). Each criterion earns up to its
    weight in points: `relative_share` percent of them by comparison with the best district
    (value / best value), the rest by reaching the criterion's absolute target
    (value / target, at most 1). A published scoring is frozen: `rules` keeps the criteria and
    tiers as they were, and its `RankingEntry` rows the result."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    relative_share = models.PositiveSmallIntegerField(
        _("relative part (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The share of each criterion's points earned by comparison with the best district; the rest is earned by reaching its target."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScoringStatus.choices, default=ScoringStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The published scoring of the previous period, to show each district's change."
        ),
    )
    rules = models.JSONField(_("rules as published"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    if TYPE_CHECKING:
        title_ko: str
        title_en: str | None

    class Meta:
        verbose_name = _("district scoring")
        verbose_name_plural = _("district scorings")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="scoring_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(relative_share__lte=100), name="scoring_relative_share_percent"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False, rules__isnull=False),
                name="scoring_published_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ScoringStatus.PUBLISHED


class ScoringCriterion(models.Model):
    """One indicator in a scoring: `indicator` is a live indicator's code
    (`opendata.indicators`, e.g. "facilities.uses") or "official:<code>" for an official
    statistic. Weights of a scoring total 100."""

    scoring = models.ForeignKey(
        Scoring, verbose_name=_("scoring"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    indicator = models.CharField(_("indicator"), max_length=80)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    normalisation = models.CharField(
        _("normalisation"), max_length=12, choices=Normalisation.choices, default=Normalisation.NONE
    )
    target = models.DecimalField(
        _("target"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The normalised value that earns the absolute part in full."),
    )

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["scoring", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scoring", "indicator", "normalisation"], name="criterion_once_per_scoring"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.indicator


class ScoringTier(models.Model):
    """A prize tier: the next `districts` districts in the ranking win `prize` won each
    (tier 1 the best ranked)."""

    scoring = models.ForeignKey(
        Scoring, verbose_name=_("scoring"), on_delete=models.CASCADE, related_name="tiers"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=80)
    districts = models.PositiveSmallIntegerField(
        _("number of districts"), validators=[MinValueValidator(1)]
    )
    prize = models.PositiveBigIntegerField(_("prize per district (won)"), default=0)

    if TYPE_CHECKING:
        name_ko: str
        name_en: str | None

    class Meta:
        verbose_name = _("prize tier")
        verbose_name_plural = _("prize tiers")
        ordering = ["scoring", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(districts__gte=1), name="tier_districts_positive")
        ]

    def __str__(self) -> str:
        return self.name


class RankingEntry(models.Model):
    """A district's frozen result in a published scoring. `breakdown` lists, per criterion (in
    the order of `Scoring.rules`), the raw value, the divisor, the normalised value and the
    relative, absolute and total points, so the page shows how the score was made."""

    scoring = models.ForeignKey(
        Scoring, verbose_name=_("scoring"), on_delete=models.CASCADE, related_name="entries"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=3)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    tier_name = models.CharField(_("tier"), max_length=80, blank=True)
    prize = models.PositiveBigIntegerField(_("prize (won)"), default=0)
    breakdown = models.JSONField(_("breakdown"), default=list)
    previous_rank = models.PositiveSmallIntegerField(_("previous rank"), null=True, blank=True)
    previous_score = models.DecimalField(
        _("previous score"), max_digits=9, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["scoring", "rank", "district__code"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "district"], name="ranking_one_per_district")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.district}"


# --- The catalogue -------------------------------------------------------------------------


class Theme(models.TextChoices):
    """The EU data themes (http://publications.europa.eu/resource/authority/data-theme)."""

    AGRI = "AGRI", _("Agriculture, fisheries, forestry and food")
    ECON = "ECON", _("Economy and finance")
    EDUC = "EDUC", _("Education, culture and sport")
    ENER = "ENER", _("Energy")
    ENVI = "ENVI", _("Environment")
    GOVE = "GOVE", _("Government and public sector")
    HEAL = "HEAL", _("Health")
    INTR = "INTR", _("International issues")
    JUST = "JUST", _("Justice, legal system and public safety")
    REGI = "REGI", _("Regions and cities")
    SOCI = "SOCI", _("Population and society")
    TECH = "TECH", _("Science and technology")
    TRAN = "TRAN", _("Transport")


class Frequency(models.TextChoices):
    """The EU frequencies (http://publications.europa.eu/resource/authority/frequency)."""

    UPDATE_CONT = "UPDATE_CONT", _("Continuously updated")
    DAILY = "DAILY", _("Daily")
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")
    ANNUAL = "ANNUAL", _("Annual")
    IRREG = "IRREG", _("Irregular")
    UNKNOWN = "UNKNOWN", _("Unknown")


class Licence(models.TextChoices):
    """Licences a dataset may carry; their URIs are in `opendata.vocab`."""

    CC_BY_4_0 = "CC_BY_4_0", _("Creative Commons Attribution 4.0")
    CC_BYSA_4_0 = "CC_BYSA_4_0", _("Creative Commons Attribution-ShareAlike 4.0")
    CC0 = "CC0", _("CC0 1.0 (public domain dedication)")
    KOGL_1 = "KOGL_1", _("Korea Open Government Licence, type 1 (attribution)")


class DatasetKind(models.TextChoices):
    DATASET = "dataset", _("Dataset")
    SERIES = "series", _("Dataset series")


class Dataset(models.Model):
    """A dataset of the catalogue, or a dataset series (`kind=series`) whose member datasets
    point at it with `series`. Public once `is_published`; `modified` moves whenever the dataset
    or one of its resources changes (harvesters ask `modified_since`)."""

    slug = models.SlugField(_("address"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DatasetKind.choices, default=DatasetKind.DATASET
    )
    series = models.ForeignKey(
        "self",
        verbose_name=_("dataset series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        limit_choices_to={"kind": DatasetKind.SERIES},
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # None: the city itself publishes (settings.SHAREHUB_CITY_NAME).
    publisher = models.ForeignKey(
        Organization,
        verbose_name=_("publisher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("contact point"), max_length=120)
    contact_email = models.EmailField(
        _("contact e-mail"), help_text=_("An office's public address, never a person's own.")
    )
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_4_0
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)  # Theme codes
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )
    # None: the whole city.
    spatial = models.ForeignKey(
        District,
        verbose_name=_("area covered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    frequency = models.CharField(
        _("update frequency"), max_length=12, choices=Frequency.choices, default=Frequency.IRREG
    )
    issued = models.DateTimeField(_("issued"), null=True, blank=True)
    modified = models.DateTimeField(_("modified"), default=timezone.now, db_index=True)
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        title_ko: str
        title_en: str | None
        description_ko: str
        description_en: str | None
        keywords_ko: str
        keywords_en: str | None

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["title_ko", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(temporal_end__isnull=True)
                | Q(temporal_start__isnull=True)
                | Q(temporal_end__gte=models.F("temporal_start")),
                name="dataset_temporal_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind="dataset") | Q(series__isnull=True),
                name="dataset_series_not_nested",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(issued__isnull=False),
                name="dataset_published_has_issued",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opendata:dataset", args=[self.slug])

    @property
    def is_series(self) -> bool:
        return self.kind == DatasetKind.SERIES

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in (self.keywords or "").split(",") if word.strip()]


class ResourceOrigin(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    GENERATED = "generated", _("Generated live from the hub")


class Format(models.TextChoices):
    CSV = "CSV", "CSV"
    JSON = "JSON", "JSON"
    GEOJSON = "GEOJSON", "GeoJSON"
    XLSX = "XLSX", "XLSX"
    PDF = "PDF", "PDF"
    ODS = "ODS", "ODS"
    ZIP = "ZIP", "ZIP"


class Resource(models.Model):
    """A distribution of a dataset: an uploaded file (its earlier files kept as versions) or a
    live export (`generator`, a code of `opendata.generators`) written in `format`."""

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="resources"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=ResourceOrigin.choices, default=ResourceOrigin.UPLOAD
    )
    generator = models.CharField(_("generated from"), max_length=60, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The current file of an upload (private storage: served by a view that checks the dataset
    # is published); earlier ones are in `versions`.
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="opendata/%Y/%m/", blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # A generated resource's content as of the daily check (SHA-256 of its rows as CSV): when it
    # differs, the content changed and `modified_at` (and the dataset's `modified`) move.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    download_count = models.PositiveBigIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified at"), default=timezone.now)

    if TYPE_CHECKING:
        title_ko: str
        title_en: str | None

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(origin="upload") & Q(generator=""))
                | (Q(origin="generated") & ~Q(generator="")),
                name="resource_origin_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_generated(self) -> bool:
        return self.origin == ResourceOrigin.GENERATED


class ResourceVersion(models.Model):
    """An uploaded resource's earlier file, kept when staff replaced it."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), storage=private_storage, upload_to="opendata/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resource_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


def label_of(choices: type[models.TextChoices], value: str) -> StrOrPromise:
    """The label of a choice's value, or the value itself when unknown."""
    try:
        return choices(value).label
    except ValueError:
        return value
