"""Policy participation: the city's advisory committees, its policy areas, citizens' proposals and
their supports.

A proposal is the author's until it is submitted; moderation publishes it (`moderation_status`),
and from then on `state` tells where it stands in the public loop: collecting supports until the
area's deadline, on the agenda of the area's committee once the threshold is reached, or closed
as "not enough support" (never silently archived), or withdrawn by its author with a reason. The
review, recommendation, answer and implementation states are here for the committee's and the
city's work that follows. `supports_count` is changed only under the proposal's row lock and is
always the number of `Support` rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.moderation.models import Moderated, ModerationStatus

TITLE_MAX = 150
BODY_MAX = 20000
REASON_MAX = 2000


class Committee(models.Model):
    """An advisory committee of the city: its remit says which policy areas it reviews."""

    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)  # name_ko / name_en
    remit = models.TextField(
        _("remit"), max_length=4000, blank=True, validators=[MaxLengthValidator(4000)]
    )  # remit_ko / remit_en
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str | None
        name_en: str | None
        remit_ko: str | None
        remit_en: str | None

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("participation:committee", kwargs={"slug": self.slug})


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", pgettext_lazy("committee role", "Chair")
    MEMBER = "member", pgettext_lazy("committee role", "Member")
    SECRETARY = "secretary", pgettext_lazy("committee role", "Secretary")


class CommitteeMembership(models.Model):
    """One person's seat on a committee for one term (a term without an end is open)."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="committee_memberships",
    )
    role = models.CharField(
        _("role"), max_length=12, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "role", "term_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user", "term_start"], name="one_seat_per_term"
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="committee_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.user}"


class PolicyArea(models.Model):
    """One of the Sharing City's policy areas; the city sets its threshold and deadlines."""

    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)  # name_ko / name_en
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )  # description_ko / description_en
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="areas",
        help_text=_("The committee whose agenda a proposal joins when it reaches the threshold."),
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"), default=100, validators=[MinValueValidator(1)]
    )
    support_days = models.PositiveSmallIntegerField(
        _("days to collect supports"), default=90, validators=[MinValueValidator(1)]
    )
    answer_days = models.PositiveSmallIntegerField(
        _("days for the committee to answer"), default=60, validators=[MinValueValidator(1)]
    )
    allow_self_support = models.BooleanField(
        _("authors may support their own proposals"), default=False
    )

    if TYPE_CHECKING:
        name_ko: str | None
        name_en: str | None
        description_ko: str | None
        description_en: str | None

    class Meta:
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(support_threshold__gte=1)
                & models.Q(support_days__gte=1)
                & models.Q(answer_days__gte=1),
                name="policy_area_limits_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProposalState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposal state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("proposal state", "Awaiting review")
    COLLECTING = "collecting", pgettext_lazy("proposal state", "Collecting supports")
    ON_AGENDA = "on_agenda", pgettext_lazy("proposal state", "On the committee's agenda")
    UNDER_REVIEW = "under_review", pgettext_lazy("proposal state", "Under review")
    RECOMMENDED = "recommended", pgettext_lazy("proposal state", "Recommended")
    NOT_RECOMMENDED = "not_recommended", pgettext_lazy("proposal state", "Not recommended")
    ANSWERED = "answered", pgettext_lazy("proposal state", "Answered by the city")
    IMPLEMENTED = "implemented", pgettext_lazy("proposal state", "Implemented")
    NOT_ENOUGH_SUPPORT = "not_enough_support", pgettext_lazy("proposal state", "Not enough support")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal state", "Withdrawn")


# States a published proposal may be in (every state after moderation's).
PUBLIC_STATES = frozenset(ProposalState) - {ProposalState.DRAFT, ProposalState.SUBMITTED}
# Supports may be given and withdrawn in these states, before the deadline.
SUPPORT_STATES = frozenset({ProposalState.COLLECTING, ProposalState.ON_AGENDA})
# The author may withdraw the proposal in these.
WITHDRAWABLE_STATES = frozenset(
    {ProposalState.SUBMITTED, ProposalState.COLLECTING, ProposalState.ON_AGENDA}
)


class Proposal(Moderated):
    # A draft is nobody's business but its author's: it is not in the moderation queue ("" until
    # submitted, then pending → published | rejected, and hidden later).
    moderation_status = models.CharField(
        _("moderation status"),
        max_length=12,
        choices=ModerationStatus.choices,
        default="",
        blank=True,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(
        _("proposal"), max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )  # sanitized HTML (core.sanitize)
    language = models.CharField(
        _("written in"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    area = models.ForeignKey(
        PolicyArea,
        verbose_name=_("policy area"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    districts = models.ManyToManyField(
        "places.District",
        verbose_name=_("districts concerned"),
        blank=True,
        related_name="proposals",
        help_text=_("Leave empty when it concerns the whole city."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ProposalState.choices,
        default=ProposalState.DRAFT,
        db_index=True,
    )
    supports_count = models.PositiveIntegerField(_("supports"), default=0)
    # Copied from the area at publication: a later change of the area's rules does not move a
    # running proposal's goalposts.
    support_threshold = models.PositiveIntegerField(_("support threshold"), null=True, blank=True)
    support_deadline = models.DateTimeField(_("supports until"), null=True, blank=True)
    threshold_reached_at = models.DateTimeField(_("threshold reached"), null=True, blank=True)
    agenda_committee = models.ForeignKey(
        Committee,
        verbose_name=_("on the agenda of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda",
    )
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        max_length=REASON_MAX,
        blank=True,
        validators=[MaxLengthValidator(REASON_MAX)],
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["moderation_status", "state", "-supports_count", "-id"],
                name="proposal_by_supports",
            ),
            models.Index(
                fields=["moderation_status", "state", "-published_at", "-id"],
                name="proposal_by_date",
            ),
            models.Index(fields=["state", "support_deadline"], name="proposal_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="withdrawn") | ~models.Q(withdrawal_reason=""),
                name="proposal_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.is_published and self.state in PUBLIC_STATES

    @property
    def support_progress(self) -> int:
        """Percent of the threshold reached, 0–100 (for the progress bar)."""
        if not self.support_threshold:
            return 0
        return min(100, self.supports_count * 100 // self.support_threshold)

    def moderation_authors(self) -> list:
        return [self.author] if self.author_id else []


class Support(models.Model):
    """One person's support of one proposal; withdrawing it deletes the row."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="support_by_user")]

    def __str__(self) -> str:
        return f"{self.user} → {self.proposal}"


class ProposalAmendment(models.Model):
    """A dated addition by the author once the proposal has supports: what was supported stays
    as it was, and everyone sees what changed and when."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="amendments"
    )
    text = models.TextField(
        _("amendment"), max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )  # sanitized HTML
    created_at = models.DateTimeField(_("amended at"), default=timezone.now)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.created_at:%Y-%m-%d})"
