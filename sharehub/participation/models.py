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
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.uploads import private_storage
from sharehub.core.urlmemo import reverse
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
    # 재적위원: the quorum of a vote (designation's) is counted on these; empty, on the members
    # whose term runs on the day.
    seats = models.PositiveSmallIntegerField(
        _("members (seats)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The members counted for the quorum, present or not. Empty: the members whose term "
            "runs are counted."
        ),
    )
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats__isnull=True) | models.Q(seats__gte=1),
                name="committee_seats_positive",
            )
        ]

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
    # Published comments (and replies); moved under the proposal's row lock like supports.
    comments_count = models.PositiveIntegerField(
        pgettext_lazy("proposal comment", "comments"), default=0
    )
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
        # The list's two orders, read in order under "published" and stopped after a page (state
        # IN the public states is checked on the way; `state` first made PostgreSQL sort every
        # proposal). `state` last: the paginator's count reads the index only.
        indexes = [
            models.Index(
                fields=["moderation_status", "-supports_count", "-published_at", "-id", "state"],
                name="proposal_by_supports",
            ),
            models.Index(
                fields=["moderation_status", "-published_at", "-id", "state"],
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


# --- Follows and comments --------------------------------------------------------------------

COMMENT_MAX = 4000


class Follow(models.Model):
    """A person who wants to hear what happens to a proposal (its author follows it from the
    start); followers are told by their notification preferences."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="proposal_follows",
    )
    created_at = models.DateTimeField(_("followed at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("following a proposal", "follow")
        verbose_name_plural = pgettext_lazy("following a proposal", "follows")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_follow_per_person")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="follow_by_user")]

    def __str__(self) -> str:
        return f"{self.user} ⟶ {self.proposal}"


class Stance(models.TextChoices):
    """Where a comment stands on the proposal (as Decidim's comments do)."""

    FOR = "for", pgettext_lazy("comment stance", "For")
    AGAINST = "against", pgettext_lazy("comment stance", "Against")
    NEUTRAL = "neutral", pgettext_lazy("comment stance", "Neutral")


class Comment(Moderated):
    """A comment on a public proposal, or a reply to one. Published at once and moderated after
    reports (post-moderation); a hidden comment keeps its place in the thread as "hidden"."""

    @property
    def takes_stance(self) -> bool:
        """Only a thread's first comment is for, against or neutral; a reply's `stance` is the
        column's default, never shown or counted (services.comments._clean_stance)."""
        return self.parent_id is None

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal_comments",
    )
    body = models.TextField(
        pgettext_lazy("proposal comment", "comment"),
        max_length=COMMENT_MAX,
        validators=[MaxLengthValidator(COMMENT_MAX)],
    )  # plain text
    stance = models.CharField(
        _("stance"), max_length=10, choices=Stance.choices, default=Stance.NEUTRAL
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("proposal comment", "comment")
        verbose_name_plural = pgettext_lazy("proposal comment", "comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["proposal", "moderation_status", "created_at"], name="comment_thread"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stance__in=["for", "against", "neutral"]),
                name="comment_stance_valid",
            )
        ]

    def __str__(self) -> str:
        # Its own words, shortened: the moderation queue names many comments without reading
        # their proposals (no query per comment).
        text = " ".join(self.body.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def get_absolute_url(self) -> str:
        url = reverse("participation:detail", kwargs={"pk": self.proposal_id})
        return f"{url}#comment-{self.pk}"

    def moderation_authors(self) -> list:
        return [self.author] if self.author_id else []


# --- Committee review ------------------------------------------------------------------------


class CommitteeNote(models.Model):
    """A committee member's private note on a proposal on its agenda: seen by the committee's
    members only, never through pages, the API, search, feeds or exports to anyone else."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="notes"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="committee_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(
        _("note"), max_length=REASON_MAX * 2, validators=[MaxLengthValidator(REASON_MAX * 2)]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.proposal}"


class Review(models.Model):
    """The committee's review of one proposal on its agenda: who reports on it, since when."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="review"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="reviews"
    )
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rapporteur_of",
    )
    started_at = models.DateTimeField(_("review started"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.proposal}"


class RecommendationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("recommendation state", "Draft")
    PUBLISHED = "published", pgettext_lazy("recommendation state", "Published")


class Recommendation(models.Model):
    """A committee's published document answering one or more proposals (`items`); a draft is
    seen by the committee's members only. The city answers it by `answer_due`."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(
        _("recommendation"), max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )  # sanitized HTML
    language = models.CharField(
        _("written in"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RecommendationState.choices,
        default=RecommendationState.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    answer_due = models.DateTimeField(_("city's answer due"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:recommendation", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.state == RecommendationState.PUBLISHED


class Verdict(models.TextChoices):
    RECOMMEND = "recommend", pgettext_lazy("committee verdict", "Recommend")
    RECOMMEND_WITH_CHANGES = (
        "with_changes",
        pgettext_lazy("committee verdict", "Recommend with changes"),
    )
    NOT_RECOMMEND = "not_recommend", pgettext_lazy("committee verdict", "Do not recommend")


class RecommendationItem(models.Model):
    """The committee's decision on one proposal, with its reasons, inside a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="decisions"
    )
    verdict = models.CharField(_("decision"), max_length=16, choices=Verdict.choices)
    reasons = models.TextField(
        _("reasons"), max_length=REASON_MAX * 2, validators=[MaxLengthValidator(REASON_MAX * 2)]
    )

    class Meta:
        verbose_name = _("decision on a proposal")
        verbose_name_plural = _("decisions on proposals")
        ordering = ["recommendation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "proposal"], name="one_decision_per_recommendation"
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=["recommend", "with_changes", "not_recommend"]),
                name="recommendation_verdict_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.proposal}"


# --- The city's answers and results ----------------------------------------------------------


class AnswerStatus(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("city answer", "Accepted")
    PARTLY_ACCEPTED = "partly", pgettext_lazy("city answer", "Partly accepted")
    REJECTED = "rejected", pgettext_lazy("city answer", "Rejected")


class AnswerTemplate(models.Model):
    """Reusable wording for the city's answers: staff answer several recommendations at once
    from one template and adjust each."""

    name = models.CharField(_("name"), max_length=120)  # name_ko / name_en
    status = models.CharField(_("answer"), max_length=10, choices=AnswerStatus.choices)
    reasons = models.TextField(
        _("reasons"), max_length=REASON_MAX * 2, validators=[MaxLengthValidator(REASON_MAX * 2)]
    )  # reasons_ko / reasons_en
    department = models.CharField(_("responsible department"), max_length=120, blank=True)

    if TYPE_CHECKING:
        name_ko: str | None
        name_en: str | None
        reasons_ko: str | None
        reasons_en: str | None

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """The city's answer to one published recommendation."""

    recommendation = models.OneToOneField(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.PROTECT,
        related_name="answer",
    )
    status = models.CharField(_("answer"), max_length=10, choices=AnswerStatus.choices)
    reasons = models.TextField(
        _("reasons"), max_length=REASON_MAX * 2, validators=[MaxLengthValidator(REASON_MAX * 2)]
    )
    language = models.CharField(
        _("written in"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    department = models.CharField(_("responsible department"), max_length=120)
    cost_estimate = models.PositiveBigIntegerField(_("cost estimate (won)"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    template = models.ForeignKey(
        AnswerTemplate,
        verbose_name=_("from the template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("city answer")
        verbose_name_plural = _("city answers")
        ordering = ["-answered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["accepted", "partly", "rejected"]),
                name="answer_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.get_status_display()}"


class Result(models.Model):
    """What the city does about an accepted (or partly accepted) answer, tracked in public until
    implemented: progress 0–100 %, milestones and dated updates."""

    answer = models.ForeignKey(
        Answer, verbose_name=_("city answer"), on_delete=models.CASCADE, related_name="results"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)  # title_ko / title_en
    description = models.TextField(
        _("description"), max_length=BODY_MAX, blank=True, validators=[MaxLengthValidator(BODY_MAX)]
    )  # description_ko / description_en
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)

    if TYPE_CHECKING:
        title_ko: str | None
        title_en: str | None
        description_ko: str | None
        description_en: str | None

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="result_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(
        pgettext_lazy("result", "milestone"), max_length=TITLE_MAX
    )  # title_ko / title_en
    due_date = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("reached"), null=True, blank=True)

    if TYPE_CHECKING:
        title_ko: str | None
        title_en: str | None

    class Meta:
        verbose_name = pgettext_lazy("result", "milestone")
        verbose_name_plural = pgettext_lazy("result", "milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ResultUpdate(models.Model):
    """A dated public update on a result, with the progress it reports."""

    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="updates"
    )
    text = models.TextField(
        _("update"), max_length=REASON_MAX * 2, validators=[MaxLengthValidator(REASON_MAX * 2)]
    )
    language = models.CharField(
        _("written in"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("result update")
        verbose_name_plural = _("result updates")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.result} · {self.progress} %"


# --- Attachments -----------------------------------------------------------------------------


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    # `filename` is already random (core.uploads.check_document); the folder groups one proposal.
    return f"participation/proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file the author adds to a proposal, checked like every upload of the hub. Stored outside
    the public media under a random name and served by a view to those who may see the proposal
    (a draft's files to its author only)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=200
    )
    title = models.CharField(_("title"), max_length=150)  # the client's file name by default
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:attachment", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        name = self.file.name or ""
        return name.rsplit(".", 1)[-1].lower() if "." in name else ""
