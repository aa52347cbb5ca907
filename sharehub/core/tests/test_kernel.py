"""The service kernel: locks, field changes, form errors, filter forms, the signed-in check."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sharehub.core import locking
from sharehub.core.actors import is_signed_in, require_signed_in
from sharehub.core.changes import apply_changes
from sharehub.core.filters import FilterForm, api_filters, query_schema
from sharehub.core.forms import apply_errors, field_error, run_service
from sharehub.core.models import PeriodicRun


def _runs(*names: str) -> list[PeriodicRun]:
    now = timezone.now()
    return [PeriodicRun.objects.create(name=name, last_enqueued_at=now) for name in names]


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused():
    (run,) = _runs("a")
    with pytest.raises(locking.LockOutsideTransaction):
        locking.lock(run)


@pytest.mark.django_db
def test_lock_returns_the_row_freshly_read():
    (run,) = _runs("a")
    PeriodicRun.objects.filter(pk=run.pk).update(name="changed")
    with transaction.atomic():
        assert locking.lock(run).name == "changed"
        with pytest.raises(PeriodicRun.DoesNotExist):
            locking.lock_pk(PeriodicRun, run.pk + 1000)


@pytest.mark.django_db
def test_lock_objects_locks_in_key_order_and_answers_in_the_order_given():
    first, second, third = _runs("a", "b", "c")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = locking.lock_objects(third, first, second)
    assert [obj.pk for obj in locked] == [third.pk, first.pk, second.pk]
    selects = [q["sql"] for q in queries.captured_queries if "core_periodicrun" in q["sql"]]
    assert len(selects) == 1  # one statement per model, ordered by key
    assert "ORDER BY" in selects[0]
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in selects[0]


@pytest.mark.django_db(transaction=True)
def test_a_locked_row_waits_and_a_long_wait_fails_on_postgresql(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven with parallel connections on PostgreSQL")
    (run,) = _runs("a")
    monkeypatch.setattr(locking, "LOCK_TIMEOUT_MS", 300)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                locking.lock(run)
                held.set()
                release.wait(5)
        finally:
            connections.close_all()

    outcome: list[str] = []

    def wait_for_it() -> None:
        try:
            with transaction.atomic():
                locking.lock(run)
            outcome.append("locked")
        except OperationalError:
            outcome.append("timed out")
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    started = time.monotonic()
    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    waiter.join()
    assert outcome == ["timed out"]
    assert time.monotonic() - started >= 0.25
    release.set()
    holder.join()
    # The timeout is local to the lock: the same connection may wait longer for other statements.
    with transaction.atomic():
        locking.lock(run)
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db
def test_lock_only_reads_its_fields_fresh_in_one_statement_and_defers_the_rest():
    (run,) = _runs("a")
    later = run.last_enqueued_at + timedelta(hours=1)
    PeriodicRun.objects.filter(pk=run.pk).update(name="changed", last_enqueued_at=later)
    with transaction.atomic():
        for shared in (False, True):
            with CaptureQueriesContext(connection) as queries:
                locked = locking.lock_only(PeriodicRun, run.pk, ["last_enqueued_at"], shared=shared)
            assert locked.last_enqueued_at == later
            assert locked.get_deferred_fields() == {"name"}
            assert len(queries.captured_queries) == 1  # the lock's timeout in the same statement
            if connection.vendor == "postgresql":
                assert (
                    f"FOR {'SHARE' if shared else 'UPDATE'}" in queries.captured_queries[0]["sql"]
                )
            assert locked.name == "changed"  # read on access
        with pytest.raises(PeriodicRun.DoesNotExist):
            locking.lock_only(PeriodicRun, run.pk + 1000, ["name"])


@pytest.mark.django_db(transaction=True)
def test_lock_only_is_refused_outside_a_transaction():
    (run,) = _runs("a")
    with pytest.raises(locking.LockOutsideTransaction):
        locking.lock_only(PeriodicRun, run.pk, ["name"])


@pytest.mark.django_db(transaction=True)
def test_lock_only_waits_shared_or_alone_and_a_long_wait_fails_on_postgresql(monkeypatch):
    """Held shared, the row lets other sharers in at once and makes one who wants it alone
    wait; held alone, it makes both wait; a wait longer than the timeout set by the lock's own
    statement fails."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven with parallel connections on PostgreSQL")
    (run,) = _runs("a")
    monkeypatch.setattr(locking, "LOCK_TIMEOUT_MS", 300)

    def attempt(shared: bool) -> str:
        outcome: list[str] = []

        def run_it() -> None:
            try:
                with transaction.atomic():
                    locking.lock_only(PeriodicRun, run.pk, ["name"], shared=shared)
                outcome.append("locked")
            except OperationalError:
                outcome.append("timed out")
            finally:
                connections.close_all()

        thread = threading.Thread(target=run_it)
        started = time.monotonic()
        thread.start()
        thread.join()
        waited = time.monotonic() - started
        assert waited < 4  # never waited for the holder's end
        if outcome == ["timed out"]:
            assert waited >= 0.25
        return outcome[0]

    def hold(shared: bool, held: threading.Event, release: threading.Event) -> None:
        try:
            with transaction.atomic():
                locking.lock_only(PeriodicRun, run.pk, ["name"], shared=shared)
                held.set()
                release.wait(5)
        finally:
            connections.close_all()

    for held_shared, expected in ((True, ["locked", "timed out"]), (False, ["timed out"] * 2)):
        held, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=hold, args=(held_shared, held, release))
        holder.start()
        assert held.wait(5)
        try:
            assert [attempt(shared=True), attempt(shared=False)] == expected
        finally:
            release.set()
            holder.join()
    # The timeout is local to the lock's transaction.
    with transaction.atomic():
        locking.lock_only(PeriodicRun, run.pk, ["name"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db
def test_apply_changes_sets_the_allowed_fields_and_names_what_changed():
    (run,) = _runs("a")
    changed = apply_changes(
        run,
        fields=["name", "last_enqueued_at"],
        data={"name": "  b ", "last_enqueued_at": run.last_enqueued_at},
        clean=lambda name, value: value.strip() if isinstance(value, str) else value,
    )
    assert changed == ["name"]
    assert run.name == "b"
    with pytest.raises(TypeError, match="not editable"):
        apply_changes(run, fields=["name"], data={"id": 3})


class _Form(forms.Form):
    title = forms.CharField(required=False)


def test_service_errors_land_on_their_field_or_on_the_form():
    form = _Form({"title": "x"})
    assert form.is_valid()

    def refuse():
        raise field_error("title", "Taken.")

    assert run_service(form, refuse) is None
    assert form.errors["title"] == ["Taken."]
    other = _Form({"title": "x"})
    other.is_valid()
    apply_errors(other, ValidationError({"elsewhere": ["No."]}))
    assert other.non_field_errors() == ["No."]
    assert run_service(other, lambda: 7) == 7

    def forbidden():
        raise PermissionDenied

    with pytest.raises(PermissionDenied):
        run_service(other, forbidden)


class _Filters(FilterForm):
    q = forms.CharField(label="Search", required=False, max_length=5)
    kind = forms.ChoiceField(required=False, choices=[("", "any"), ("talk", "talk")])
    free = forms.BooleanField(required=False)


def test_one_filter_form_serves_the_page_and_the_api():
    schema = query_schema(_Filters)
    assert set(schema.model_json_schema()["properties"]) == {"q", "kind", "free"}
    assert api_filters(_Filters, schema(q="abc", kind="talk", free=True)).cleaned_data == {
        "q": "abc",
        "kind": "talk",
        "free": True,
    }
    with pytest.raises(ValidationError) as refused:
        api_filters(_Filters, schema(q="toolong", kind="party"))
    assert set(refused.value.message_dict) == {"q", "kind"}
    # On a page the bad filter is shown and left out; the good ones still apply.
    assert _Filters({"q": "toolong", "kind": "talk"}).applied() == {"kind": "talk", "free": False}


@pytest.mark.django_db
def test_only_an_active_signed_in_person_acts():
    with pytest.raises(PermissionDenied):
        require_signed_in(AnonymousUser())
    with pytest.raises(PermissionDenied):
        require_signed_in(None)
    user = get_user_model().objects.create_user(email="k@example.org", password="x-long-pass-1")
    require_signed_in(user)
    user.is_active = False
    assert not is_signed_in(user)
