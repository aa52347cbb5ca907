"""News: articles and stories, their tags, the city's pages and the sharing city's milestones.

An article goes through an editorial workflow of its own (draft → review → published, or back to
draft with the editor's note). Only editors (city staff) publish; organization members write
stories for their organization and submit them for review. `publish_at` schedules publication:
a published article is public once that moment has passed. Published articles can still be
reported by the public and hidden by a moderator, through the shared moderation app (`Moderated`);
articles are created already "published" for moderation, the editorial review being their check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharehub.core.sanitize import clean_html
from sharehub.core.urlmemo import reverse
from sharehub.moderation.models import Moderated, ModerationStatus

from .licences import Licence

TITLE_MAX = 200
SUMMARY_MAX = 400
BODY_MAX = 50_000


class SanitizedBody(models.Model):
    """The rich text is cleaned (nh3) on every save, whatever writes it: services, admin, shell."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        for language in ("ko", "en"):
            name = f"body_{language}"
            setattr(self, name, clean_html(getattr(self, name, "") or ""))
        super().save(*args, **kwargs)


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    STORY = "story", _("Story of a sharing enterprise")
    POLICY = "policy", _("Policy update")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")


class Tag(models.Model):
    slug = models.SlugField(_("address name"), max_length=60, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=60)  # name_ko / name_en

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str
        name_en: str | None

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:list") + f"?tag={self.slug}"


def public_articles_q(prefix: str = "", now=None) -> models.Q:
    """Published, due (publish_at has passed) and not hidden by a moderator; `prefix` ("article__")
    asks it across a relation, as a join rather than an IN over every public article."""
    return models.Q(
        **{
            f"{prefix}status": ArticleStatus.PUBLISHED,
            f"{prefix}publish_at__lte": now or timezone.now(),
            f"{prefix}moderation_status": ModerationStatus.PUBLISHED,
        }
    )


class ArticleQuerySet(models.QuerySet):
    def public(self, now=None) -> ArticleQuerySet:
        """Published, due (publish_at has passed) and not hidden by a moderator."""
        return self.filter(public_articles_q(now=now))


class Article(SanitizedBody, Moderated):
    kind = models.CharField(
        _("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS
    )
    slug = models.SlugField(_("address name"), max_length=90, unique=True, allow_unicode=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)  # title_ko (required) / title_en
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX, blank=True)  # _ko / _en
    body = models.TextField(
        _("text"), max_length=BODY_MAX, blank=True, validators=[MaxLengthValidator(BODY_MAX)]
    )  # _ko / _en, sanitized HTML
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    cover_image = models.ImageField(_("cover image"), upload_to="news/covers/", blank=True)
    cover_alt = models.CharField(
        _("text alternative of the cover"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )  # _ko / _en
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    listings = models.ManyToManyField(
        "directory.Listing", verbose_name=_("linked listings"), blank=True, related_name="articles"
    )
    districts = models.ManyToManyField(
        "places.District", verbose_name=_("districts"), blank=True, related_name="articles"
    )
    licence = models.CharField(
        _("licence"), max_length=24, choices=Licence.choices, default=Licence.CC_BY
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        db_index=True,
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("A date in the future schedules the publication."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(
        _("editor's note"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    announced_at = models.DateTimeField(
        _("announced at"),
        null=True,
        blank=True,
        help_text=_("When the author was told the article went live."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Articles are not held for moderation: the editors' review is their check (see the module).
    moderation_status = models.CharField(
        _("moderation status"),
        max_length=12,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
        db_index=True,
    )

    objects = ArticleQuerySet.as_manager()

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        title_ko: str
        title_en: str | None
        summary_ko: str | None
        summary_en: str | None
        body_ko: str | None
        body_en: str | None
        cover_alt_ko: str | None
        cover_alt_en: str | None

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        # The public list: equality on both states, newest first (id breaks ties; SQLite keeps the
        # rowid in every index, PostgreSQL needs it named).
        indexes = [
            models.Index(
                fields=["status", "moderation_status", "publish_at", "id"],
                name="news_article_public",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ArticleKind.values), name="news_article_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ArticleStatus.values),
                name="news_article_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(licence__in=Licence.values), name="news_article_licence_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ArticleStatus.PUBLISHED)
                | models.Q(publish_at__isnull=False),
                name="news_article_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(cover_image="") | ~models.Q(cover_alt_ko=""),
                name="news_article_cover_has_alt",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def moderation_authors(self) -> list:
        author = self.created_by
        return [author] if author is not None and author.is_active else []

    @property
    def is_public(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
            and self.moderation_status == ModerationStatus.PUBLISHED
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )


class Page(SanitizedBody):
    """A page city staff write: about the sharing city, its policies, designation, the ordinance, FAQ."""

    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)  # _ko (required) / _en
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX, blank=True)  # _ko / _en
    body = models.TextField(
        _("text"), max_length=BODY_MAX, blank=True, validators=[MaxLengthValidator(BODY_MAX)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    show_timeline = models.BooleanField(
        _("show the timeline"),
        default=False,
        help_text=_("Show the milestones of the sharing city below the text."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        title_ko: str
        title_en: str | None
        summary_ko: str | None
        summary_en: str | None
        body_ko: str | None
        body_en: str | None

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:page", kwargs={"slug": self.slug})


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Milestone(models.Model):
    """A dated step of the sharing city (data/sharing-city-milestones.csv)."""

    date = models.DateField(_("date"))
    precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    event = models.CharField(_("what happened"), max_length=500)  # _ko / _en
    figure = models.CharField(_("headline figure"), max_length=120, blank=True)  # _ko / _en
    source = models.CharField(_("sources"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "precision", "event_en"], name="news_milestone_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(precision__in=DatePrecision.values),
                name="news_milestone_precision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.event}"

    @property
    def sources(self) -> list[str]:
        return [part.strip() for part in self.source.split(";") if part.strip()]
