"""Reads for moderation: the queue, reports and an object's decision history, all query-bounded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.http import Http404

from sharehub.core.actors import Actor
from sharehub.core.audit import history_for
from sharehub.core.models import AuditEntry

from .models import Moderated, ModerationStatus, Report
from .registry import is_moderated, moderated_models

QUEUE_SECTION_SIZE = 20


@dataclass
class QueueSection:
    """The pending items of one registered model: the first few and how many there are."""

    model: type[models.Model]
    content_type: ContentType
    count: int
    items: list[models.Model] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


def _has_foreign_key(model: type[models.Model], name: str) -> bool:
    try:
        return bool(model._meta.get_field(name).many_to_one)
    except FieldDoesNotExist:
        return False


def registered_model_for(content_type_id: int) -> type[Moderated]:
    """The model behind a content type id, or 404 when it is unknown or not moderated."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        raise Http404 from None
    model = content_type.model_class()
    if model is None or not is_moderated(model) or not issubclass(model, Moderated):
        raise Http404
    return model


def pending_for(model: type[models.Model]) -> models.QuerySet:
    """Oldest first, so nothing waits for ever; the submitter comes in the same query."""
    queryset = model._default_manager.filter(moderation_status=ModerationStatus.PENDING).order_by(
        "pk"
    )
    if _has_foreign_key(model, "created_by"):
        queryset = queryset.select_related("created_by")
    return queryset


def queue_overview(*, size: int = QUEUE_SECTION_SIZE) -> list[QueueSection]:
    """Two queries per registered model (count and first page), whatever the number of items."""
    sections = []
    for model in moderated_models():
        queryset = pending_for(model)
        sections.append(
            QueueSection(
                model=model,
                content_type=ContentType.objects.get_for_model(model),
                count=queryset.count(),
                items=list(queryset[:size]),
            )
        )
    return sections


def get_moderated_object(*, content_type_id: int, object_id: str) -> Moderated:
    """A registered object in any state, or 404."""
    model = registered_model_for(content_type_id)
    try:
        return model._default_manager.get(pk=object_id)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_reportable_for(actor: Actor, *, content_type_id: int, object_id: str) -> Moderated:
    """Only published content can be reported; anything else is a 404 so nothing leaks."""
    obj = get_moderated_object(content_type_id=content_type_id, object_id=object_id)
    if obj.moderation_status != ModerationStatus.PUBLISHED:
        raise Http404
    return obj


def open_reports() -> models.QuerySet[Report]:
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "content_type")
        .order_by("created_at", "pk")
    )


def attach_targets(reports: list[Report]) -> list[Report]:
    """Fetch the reported objects with one query per content type instead of one per report.

    Each report gets `target_object` (None when the object is gone or no longer registered).
    """
    wanted: dict[int, set[str]] = defaultdict(set)
    for report in reports:
        wanted[report.content_type_id].add(report.object_id)
    found: dict[tuple[int, str], models.Model] = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not is_moderated(model):
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            found[(content_type_id, str(obj.pk))] = obj
    for report in reports:
        report.target_object = found.get((report.content_type_id, report.object_id))
    return reports


def get_report(*, report_id: int) -> Report:
    """A report by id or 404."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def moderation_history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """The decisions on one object, newest first, with who took them."""
    return history_for(obj).filter(action__startswith="moderation.")


def reports_made_by(*, user) -> models.QuerySet[Report]:
    return (
        Report.objects.filter(reporter=user)
        .select_related("content_type")
        .order_by("created_at", "pk")
    )


def waiting_count() -> int:
    """What waits for a moderator: pending content of every registered model and open reports
    (one count per model, a bounded handful)."""
    pending = sum(
        model._default_manager.filter(moderation_status=ModerationStatus.PENDING).count()
        for model in moderated_models()
    )
    return pending + Report.objects.filter(resolved_at__isnull=True).count()
