"""accounts.sessions: the database session store read by one plain statement, as Django's reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from sharehub.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_store_without_redis():
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        assert settings.SESSION_ENGINE == "sharehub.accounts.sessions"


def test_a_saved_session_reads_back_as_djangos_store_reads_it():
    store = SessionStore()
    store["_auth_user_id"] = "7"
    store["lang"] = "ko"
    store.save()
    key = store.session_key
    mine, theirs = SessionStore(key), DjangoStore(key)
    assert mine.load() == theirs.load() == {"_auth_user_id": "7", "lang": "ko"}
    assert mine.session_key == key


@pytest.mark.parametrize("case", ["expired", "missing", "malformed"])
def test_an_expired_missing_or_malformed_session_is_empty_and_loses_its_key(case):
    store = SessionStore()
    store["x"] = 1
    store.save()
    if case == "expired":
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        key = store.session_key
    elif case == "missing":
        key = "k" * 32
    else:
        key = "short"  # under 8 characters: no key at all (SessionBase)
    mine, theirs = SessionStore(key), DjangoStore(key)
    assert mine.load() == theirs.load() == {}
    assert mine.session_key is None and theirs.session_key is None


def test_a_session_about_to_expire_is_still_read():
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=30)
    )
    assert SessionStore(store.session_key).load() == {"x": 1}


def test_a_signed_in_person_stays_signed_in_and_signing_out_ends_it(client, django_user_model):
    person = django_user_model.objects.create_user(email="s@example.org", display_name="S")
    client.force_login(person)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/ko/me/").status_code == 200
    client.post("/ko/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}
