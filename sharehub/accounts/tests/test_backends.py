"""Role permissions through Django's `has_perm`, as apps below accounts ask them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sharehub.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUTBOX = "notifications.read_outbox"


def test_city_staff_and_administrators_hold_the_outbox_permission():
    assert UserFactory(is_city_staff=True).has_perm(OUTBOX)
    assert UserFactory(is_superuser=True).has_perm(OUTBOX)


def test_others_do_not():
    assert not UserFactory().has_perm(OUTBOX)
    assert not UserFactory(is_moderator=True).has_perm(OUTBOX)
    assert not UserFactory(is_staff=True).has_perm(OUTBOX)
    assert not UserFactory(is_city_staff=True, is_active=False).has_perm(OUTBOX)
    assert not AnonymousUser().has_perm(OUTBOX)


def test_a_role_permission_asks_no_permission_table(django_assert_num_queries):
    staff = UserFactory(is_city_staff=True)
    with django_assert_num_queries(0):
        assert staff.has_perm(OUTBOX)


def test_refusing_a_role_permission_asks_no_permission_table(django_assert_num_queries):
    citizen = UserFactory()
    with django_assert_num_queries(0):
        assert not citizen.has_perm(OUTBOX)


def test_other_permissions_still_come_from_the_model_backend():
    user = UserFactory()
    assert not user.has_perm("auth.change_user")
    assert UserFactory(is_superuser=True).has_perm("auth.change_user")
