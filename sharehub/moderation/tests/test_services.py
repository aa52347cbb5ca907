from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.moderation import services
from sharehub.moderation.models import ModerationStatus, Report, ReportReason, Resolution
from sharehub.moderation.registry import (
    authors_of,
    is_moderated,
    moderated_models,
    register_moderated,
)
from sharehub.moderation.selectors import moderation_history
from sharehub.moderation.signals import moderation_changed
from sharehub.notifications.models import Notification, OutboundEmail

from .factories import make_report

pytestmark = pytest.mark.django_db

P, PUB, REJ, HID = (
    ModerationStatus.PENDING,
    ModerationStatus.PUBLISHED,
    ModerationStatus.REJECTED,
    ModerationStatus.HIDDEN,
)


def apply(name: str, *, actor, obj, reason: str = "because"):
    if name in ("reject", "hide"):
        return getattr(services, name)(actor=actor, obj=obj, reason=reason)
    return getattr(services, name)(actor=actor, obj=obj)


# (transition, from, to): every allowed move of the state machine.
VALID = [
    ("publish", P, PUB),
    ("reject", P, REJ),
    ("hide", PUB, HID),
    ("restore", HID, PUB),
]


@pytest.mark.parametrize(("name", "source", "target"), VALID)
def test_moderator_transitions(name, source, target, make_org, moderator, user):
    org = make_org(status=source, author=user)
    apply(name, actor=moderator, obj=org, reason="이유 reason 🙂")
    org.refresh_from_db()
    assert org.moderation_status == target
    assert org.moderated_by == moderator
    assert org.moderated_at is not None
    entry = AuditEntry.objects.get()
    assert entry.action == services.TRANSITIONS[name].action
    assert entry.actor == moderator
    assert entry.data == {"from": source, "to": target}
    notification = Notification.objects.get(user=user)
    assert notification.kind == "moderation.decision"
    assert org.name_ko in notification.title


# Every other (transition, state) pair of the moderators' transitions.
INVALID = [
    (name, source)
    for name in ("publish", "reject", "hide", "restore")
    for source in (P, PUB, REJ, HID)
    if source not in services.TRANSITIONS[name].sources
]


@pytest.mark.parametrize(("name", "source"), INVALID)
def test_invalid_transitions_are_refused_with_a_translated_message(
    name, source, make_org, moderator
):
    org = make_org(status=source)
    with translation.override("ko"):
        with pytest.raises(ValidationError) as error:
            apply(name, actor=moderator, obj=org)
        message = error.value.messages[0]  # lazy: read while Korean is active, whatever ran before
    assert error.value.code == "invalid_transition"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in message), message  # Korean text
    org.refresh_from_db()
    assert org.moderation_status == source
    assert not AuditEntry.objects.exists()


def test_reason_is_stored_for_reject_and_hide(make_org, moderator, user):
    org = make_org(author=user)
    services.reject(actor=moderator, obj=org, reason="  <b>연락처 누락</b> missing contact  ")
    org.refresh_from_db()
    assert org.moderation_reason == "<b>연락처 누락</b> missing contact"
    assert AuditEntry.objects.get().reason == "<b>연락처 누락</b> missing contact"
    assert "<b>연락처 누락</b> missing contact" in Notification.objects.get(user=user).body


@pytest.mark.parametrize("name", ["reject", "hide"])
@pytest.mark.parametrize("reason", ["", "   ", "x" * (services.REASON_MAX_LENGTH + 1)])
def test_reject_and_hide_need_a_sensible_reason(name, reason, make_org, moderator):
    org = make_org(status=P if name == "reject" else PUB)
    with pytest.raises(ValidationError) as error:
        apply(name, actor=moderator, obj=org, reason=reason)
    assert "reason" in error.value.message_dict
    org.refresh_from_db()
    assert org.moderation_status == (P if name == "reject" else PUB)


@pytest.mark.parametrize("name", ["publish", "reject", "hide", "restore"])
def test_only_moderators_decide(name, make_org, user, city_staff):
    source = {"publish": P, "reject": P, "hide": PUB, "restore": HID}[name]
    for actor in (user, city_staff, SimpleNamespace(is_authenticated=False)):
        org = make_org(status=source)
        with pytest.raises(PermissionDenied):
            apply(name, actor=actor, obj=org)
        org.refresh_from_db()
        assert org.moderation_status == source


def test_superuser_may_decide(make_org):
    admin = UserFactory(is_superuser=True, is_staff=True)
    org = make_org()
    services.publish(actor=admin, obj=org)
    assert org.moderation_status == PUB


def test_inactive_moderator_may_not_decide(make_org):
    former = UserFactory(is_moderator=True, is_active=False)
    with pytest.raises(PermissionDenied):
        services.publish(actor=former, obj=make_org())


def test_decision_updates_the_callers_instance(make_org, moderator):
    org = make_org()
    returned = services.publish(actor=moderator, obj=org)
    assert returned is org
    assert org.is_published


def test_unregistered_model_is_refused(moderator, user):
    with pytest.raises(ValueError):
        services.publish(actor=moderator, obj=user)


def test_resubmit_by_author(make_org, moderator, user):
    org = make_org(author=user)
    services.reject(actor=moderator, obj=org, reason="사진이 없습니다")
    services.resubmit(actor=user, obj=org)
    org.refresh_from_db()
    assert org.moderation_status == P
    assert org.moderation_reason == ""
    assert org.moderated_by == moderator  # the last moderator's decision is still recorded
    assert list(moderation_history(org).values_list("action", flat=True)) == [
        "moderation.resubmitted",
        "moderation.rejected",
    ]


def test_resubmit_by_someone_else_is_forbidden(make_org, moderator, user, other_user):
    org = make_org(status=REJ, author=user)
    for actor in (other_user, moderator):
        with pytest.raises(PermissionDenied):
            services.resubmit(actor=actor, obj=org)
    org.refresh_from_db()
    assert org.moderation_status == REJ


@pytest.mark.parametrize("source", [P, PUB, HID])
def test_resubmit_only_from_rejected(source, make_org, user):
    org = make_org(status=source, author=user)
    with pytest.raises(ValidationError):
        services.resubmit(actor=user, obj=org)


def test_moderator_deciding_on_own_submission_is_not_notified(make_org, moderator):
    org = make_org(author=moderator)
    services.publish(actor=moderator, obj=org)
    assert not Notification.objects.exists()


def test_decision_notification_in_authors_language_with_email(make_org, moderator):
    korean = UserFactory(preferred_language="ko")
    english = UserFactory(preferred_language="en")
    org = make_org(name="Seoul 공유")
    services.publish(actor=moderator, obj=make_org(author=korean))
    services.publish(actor=moderator, obj=make_org(author=english))
    ko_title = Notification.objects.get(user=korean).title
    en_title = Notification.objects.get(user=english).title
    assert en_title.startswith("Published: ")
    assert not ko_title.startswith("Published")
    assert OutboundEmail.objects.filter(user=korean).count() == 1
    assert OutboundEmail.objects.filter(user=english).count() == 1
    assert org.moderation_status == P


# --- reports -------------------------------------------------------------------------------


def test_report_published_content_notifies_moderators(make_org, user, moderator):
    second_moderator = UserFactory(is_moderator=True, preferred_language="en")
    org = make_org(status=PUB)
    report = services.report(
        actor=user,
        obj=org,
        reason=ReportReason.WRONG,
        details="  전화번호가 틀렸어요 <script>x</script> 🙂 ",
    )
    assert report.reporter == user
    assert report.details == "전화번호가 틀렸어요 <script>x</script> 🙂"
    assert report.resolved_at is None
    assert set(
        Notification.objects.filter(kind="moderation.report").values_list("user", flat=True)
    ) == {moderator.pk, second_moderator.pk}
    english = Notification.objects.get(user=second_moderator)
    assert "Wrong or misleading information" in english.body
    assert "/en/moderation/" in english.url
    assert AuditEntry.objects.filter(action="moderation.reported", actor=user).count() == 1


@pytest.mark.parametrize("source", [P, REJ, HID])
def test_only_published_content_can_be_reported(source, make_org, user):
    org = make_org(status=source)
    with pytest.raises(ValidationError):
        services.report(actor=user, obj=org, reason=ReportReason.SPAM)
    assert not Report.objects.exists()


def test_second_open_report_is_a_validation_error(make_org, user, other_user):
    org = make_org(status=PUB)
    services.report(actor=user, obj=org, reason=ReportReason.SPAM)
    with pytest.raises(ValidationError) as error:
        services.report(actor=user, obj=org, reason=ReportReason.OTHER)
    assert error.value.code == "duplicate"
    services.report(actor=other_user, obj=org, reason=ReportReason.SPAM)  # someone else may
    assert Report.objects.count() == 2


def test_report_again_after_resolution(make_org, user, moderator):
    org = make_org(status=PUB)
    first = services.report(actor=user, obj=org, reason=ReportReason.SPAM)
    services.dismiss_report(actor=moderator, report=first)
    services.report(actor=user, obj=org, reason=ReportReason.SPAM)
    assert Report.objects.filter(reporter=user).count() == 2


@pytest.mark.parametrize(
    ("reason", "details", "field"),
    [("nonsense", "", "reason"), ("", "", "reason"), (ReportReason.SPAM, "x" * 2001, "details")],
)
def test_report_bad_input(reason, details, field, make_org, user):
    with pytest.raises(ValidationError) as error:
        services.report(actor=user, obj=make_org(status=PUB), reason=reason, details=details)
    assert field in error.value.message_dict
    assert not Report.objects.exists()


def test_anonymous_and_inactive_cannot_report(make_org):
    org = make_org(status=PUB)
    for actor in (SimpleNamespace(is_authenticated=False), UserFactory(is_active=False)):
        with pytest.raises(PermissionDenied):
            services.report(actor=actor, obj=org, reason=ReportReason.SPAM)


def test_dismiss_report(make_org, user, moderator):
    org = make_org(status=PUB)
    report = make_report(obj=org, reporter=user)
    services.dismiss_report(actor=moderator, report=report)
    report.refresh_from_db()
    assert report.resolved_by == moderator
    assert report.resolution == Resolution.DISMISSED
    org.refresh_from_db()
    assert org.moderation_status == PUB
    assert Notification.objects.filter(user=user, kind="moderation.decision").count() == 1
    with pytest.raises(ValidationError):
        services.dismiss_report(actor=moderator, report=report)


def test_resolve_report_needs_moderator_and_text(make_org, user, other_user, moderator):
    report = make_report(obj=make_org(status=PUB), reporter=user)
    with pytest.raises(PermissionDenied):
        services.resolve_report(actor=other_user, report=report, resolution="done")
    with pytest.raises(ValidationError):
        services.resolve_report(actor=moderator, report=report, resolution="  ")
    with pytest.raises(ValidationError):
        services.resolve_report(actor=moderator, report=report, resolution="x" * 201)
    services.resolve_report(actor=moderator, report=report, resolution="연락처를 고쳤습니다")
    report.refresh_from_db()
    assert report.resolution == "연락처를 고쳤습니다"


def test_hide_resolves_open_reports(make_org, user, other_user, moderator):
    org = make_org(status=PUB)
    other = make_org(status=PUB)
    first, second = make_report(obj=org, reporter=user), make_report(obj=org, reporter=other_user)
    untouched = make_report(obj=other, reporter=user)
    services.hide(actor=moderator, obj=org, reason="광고입니다")
    for report in (first, second):
        report.refresh_from_db()
        assert report.resolution == Resolution.HIDDEN
        assert report.resolved_by == moderator
    untouched.refresh_from_db()
    assert untouched.resolved_at is None


def test_history_lists_only_moderation_decisions(make_org, moderator, user):
    org = make_org(status=PUB, author=user)
    make_report(obj=org, reporter=user)
    services.hide(actor=moderator, obj=org, reason="spam")
    services.restore(actor=moderator, obj=org)
    history = list(moderation_history(org))
    assert [entry.action for entry in history] == ["moderation.restored", "moderation.hidden"]
    assert history[1].reason == "spam"


# --- registry --------------------------------------------------------------------------------


def test_registry_refuses_unmoderated_models():
    from django.core.exceptions import ImproperlyConfigured

    from sharehub.accounts.models import User

    with pytest.raises(ImproperlyConfigured):
        register_moderated(User)
    assert not is_moderated(User)


def test_registry_lists_registered_models(org_model):
    assert org_model in moderated_models()
    assert is_moderated(org_model)


def test_authors_fall_back_to_created_by(user):
    inactive = UserFactory(is_active=False)
    assert authors_of(SimpleNamespace(created_by=user)) == [user]
    assert authors_of(SimpleNamespace(created_by=None)) == []
    assert authors_of(SimpleNamespace(created_by=inactive)) == []
    assert authors_of(SimpleNamespace(moderation_authors=lambda: [user, user, None])) == [user]


# --- privacy ---------------------------------------------------------------------------------


def test_privacy_export_and_erase(make_org, user, other_user):
    from sharehub.moderation.privacy_data import erase_moderation, export_moderation

    org = make_org(status=PUB)
    mine = make_report(obj=org, reporter=user, details="내 신고")
    theirs = make_report(obj=org, reporter=other_user, details="다른 신고")
    exported = export_moderation(user)
    assert [r["details"] for r in exported["reports"]] == ["내 신고"]
    assert exported["reports"][0]["content_type"] == "organizations.organization"
    erase_moderation(user)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    # The reason stays for the moderators; the free text, which may say who wrote it, goes.
    assert mine.reporter is None and mine.details == "" and mine.reason == ReportReason.SPAM
    assert theirs.reporter == other_user and theirs.details == "다른 신고"


def test_privacy_handler_is_registered():
    from sharehub.core import privacy

    assert "moderation" in {handler.name for handler in privacy.handlers()}


@pytest.mark.parametrize(("name", "source", "target"), [*VALID, ("resubmit", REJ, P)])
def test_every_transition_sends_moderation_changed_inside_the_decision(
    name, source, target, make_org, moderator, user
):
    org = make_org(status=source, author=user)
    actor = user if name == "resubmit" else moderator
    received = []

    def receiver(sender, **kwargs):
        # Inside the decision's transaction: the row is already written, and locked.
        received.append((sender, kwargs, type(org).objects.get(pk=org.pk).moderation_status))

    moderation_changed.connect(receiver)
    try:
        apply(name, actor=actor, obj=org, reason="이유" if name in ("reject", "hide") else "")
    finally:
        moderation_changed.disconnect(receiver)
    [(sender, kwargs, status_seen)] = received
    assert sender is type(org)
    assert kwargs.pop("signal") is moderation_changed
    assert kwargs == {
        "obj": org,
        "previous": source,
        "status": target,
        "actor": actor,
        "reason": "이유" if name in ("reject", "hide") else "",
    }
    assert status_seen == target


def test_a_receiver_refusing_makes_the_decision_fail(make_org, moderator, user):
    org = make_org(author=user)

    def refuse(sender, **kwargs):
        raise ValidationError("이 제안은 적용할 수 없습니다.")

    moderation_changed.connect(refuse)
    try:
        with pytest.raises(ValidationError) as error:
            services.publish(actor=moderator, obj=org)
    finally:
        moderation_changed.disconnect(refuse)
    assert error.value.messages == ["이 제안은 적용할 수 없습니다."]
    org.refresh_from_db()
    assert org.moderation_status == P
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()
