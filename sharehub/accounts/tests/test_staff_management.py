"""Administrators manage roles and reset a lost second factor (issue 13, §1): the services, the
pages, the API and who may do what (the forbidden rows as firmly as the allowed ones)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.exceptions import PermissionDenied, ValidationError

from sharehub.accounts import services
from sharehub.accounts.models import ApiToken
from sharehub.accounts.tests.factories import PASSWORD, UserFactory, give_totp
from sharehub.core.models import AuditEntry
from sharehub.core.workspace import work_for
from sharehub.notifications.models import Notification


@pytest.fixture
def administrator(db):
    return give_totp(UserFactory(is_superuser=True, is_staff=True, display_name="관리자"))


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


# --- services --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_administrator_makes_a_person_city_staff_audited_told_tokens_revoked(administrator):
    person = UserFactory()
    services.create_api_token(actor=person, name="script")
    changed = services.set_staff_role(
        actor=administrator, user=person, role="city_staff", granted=True, reason="신규 담당자"
    )
    person.refresh_from_db()
    assert changed and person.is_city_staff and not person.is_moderator
    assert live_tokens(person) == 0
    entry = AuditEntry.objects.get(action="accounts.role_granted", object_id=str(person.pk))
    assert entry.actor == administrator and entry.reason == "신규 담당자"
    assert entry.data == {"role": "city_staff"}
    notice = Notification.objects.get(user=person, kind=services.SECURITY_KIND)
    assert "시 담당자" in notice.title and "신규 담당자" in notice.body
    # Giving it again changes nothing and records nothing.
    assert not services.set_staff_role(
        actor=administrator, user=person, role="city_staff", granted=True, reason="again"
    )
    assert AuditEntry.objects.filter(object_id=str(person.pk)).count() == 1


@pytest.mark.django_db
def test_removing_a_role(administrator, moderator):
    services.create_api_token(actor=moderator, name="script")
    services.set_staff_role(
        actor=administrator, user=moderator, role="moderator", granted=False, reason="전보"
    )
    moderator.refresh_from_db()
    assert not moderator.is_moderator
    assert live_tokens(moderator) == 0
    assert AuditEntry.objects.filter(action="accounts.role_removed").count() == 1


@pytest.mark.django_db
def test_only_administrators_change_roles_and_never_their_own(administrator, city_staff):
    person = UserFactory()
    for actor in (city_staff, person, UserFactory(is_moderator=True)):
        with pytest.raises(PermissionDenied):
            services.set_staff_role(
                actor=actor, user=person, role="moderator", granted=True, reason="x"
            )
    with pytest.raises(PermissionDenied):
        services.set_staff_role(
            actor=administrator, user=administrator, role="moderator", granted=True, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.reset_two_factor(actor=administrator, user=administrator, reason="x")
    with pytest.raises(PermissionDenied):
        services.reset_two_factor(actor=city_staff, user=person, reason="x")
    person.refresh_from_db()
    assert not person.is_moderator and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_reason_and_a_known_role_are_required(administrator):
    person = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.set_staff_role(
            actor=administrator, user=person, role="city_staff", granted=True, reason="  "
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.set_staff_role(
            actor=administrator, user=person, role="administrator", granted=True, reason="x"
        )
    assert "role" in error.value.message_dict


@pytest.mark.django_db
def test_a_two_factor_reset_removes_authenticators_sessions_and_tokens(
    client, administrator, city_staff
):
    RecoveryCodes.activate(city_staff)
    services.create_api_token(actor=city_staff, name="script")
    client.force_login(city_staff)
    assert client.get("/ko/me/").status_code == 200
    removed = services.reset_two_factor(actor=administrator, user=city_staff, reason="휴대폰 분실")
    assert removed == 2
    assert not Authenticator.objects.filter(user=city_staff).exists()
    assert live_tokens(city_staff) == 0
    # The open session has ended: the next page asks to log in.
    response = client.get("/ko/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    entry = AuditEntry.objects.get(action="accounts.two_factor_reset")
    assert entry.reason == "휴대폰 분실" and entry.data == {"removed": 2}
    assert Notification.objects.filter(user=city_staff, kind=services.SECURITY_KIND).exists()
    # At the next login, one password prompt, then the authenticator set-up again.
    response = client.post(
        "/ko/accounts/login/", {"login": city_staff.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("/accounts/2fa/totp/activate/")
    assert response.status_code == 200


# --- pages -----------------------------------------------------------------------------------

STAFF_PAGES = ["/ko/me/staff/", "/en/me/staff/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 302), ("citizen", 403), ("city_staff", 403), ("moderator", 403), ("admin", 200)],
)
def test_permission_matrix_of_the_staff_pages(
    client, who, expected, administrator, city_staff, moderator
):
    person = UserFactory()
    actors = {
        "citizen": UserFactory(),
        "city_staff": city_staff,
        "moderator": moderator,
        "admin": administrator,
    }
    if who != "anonymous":
        client.force_login(actors[who])
    for path in [*STAFF_PAGES, f"/ko/me/staff/{person.pk}/"]:
        assert client.get(path).status_code == expected, path
    response = client.post(
        f"/ko/me/staff/{person.pk}/",
        {"role-role": "moderator", "role-granted": "1", "role-reason": "x"},
    )
    assert response.status_code == (302 if who in ("anonymous", "admin") else 403)
    person.refresh_from_db()
    assert person.is_moderator == (who == "admin")


@pytest.mark.django_db
def test_the_workspace_lists_the_staff_tool_for_administrators_only(administrator, city_staff):
    def tool_names(user):
        return {link.name for link in work_for(user)[1]}

    assert "accounts.staff" in tool_names(administrator)
    assert "accounts.staff" not in tool_names(city_staff)


@pytest.mark.django_db
def test_search_by_email_or_name_paginated_in_bounded_queries(
    client, administrator, django_assert_max_num_queries
):
    UserFactory(email="kim.official@seoul.example", display_name="김공무")
    UserFactory(display_name="박시민")
    UserFactory.create_batch(25)
    client.force_login(administrator)
    page = client.get("/ko/me/staff/", {"q": "official"}).content.decode()
    assert "김공무" in page and "박시민" not in page
    assert "박시민" in client.get("/ko/me/staff/", {"q": "박시"}).content.decode()
    with django_assert_max_num_queries(12):
        response = client.get("/ko/me/staff/", {"page": 2})
    assert response.status_code == 200 and 'rel="prev"' in response.content.decode()
    # Administrators come first when listing people with a role.
    listing = client.get("/en/me/staff/", {"role": "privileged"}).content.decode()
    assert administrator.email in listing and "박시민" not in listing


@pytest.mark.django_db
def test_an_administrator_changes_a_role_and_resets_two_factor_in_the_page(
    client, administrator, city_staff
):
    client.force_login(administrator)
    url = f"/ko/me/staff/{city_staff.pk}/"
    response = client.post(url, {"role-role": "moderator", "role-granted": "1", "role-reason": ""})
    assert response.status_code == 400
    city_staff.refresh_from_db()
    assert not city_staff.is_moderator
    response = client.post(
        url, {"role-role": "moderator", "role-granted": "1", "role-reason": "검토 지원"}
    )
    assert response.status_code == 302
    city_staff.refresh_from_db()
    assert city_staff.is_moderator
    response = client.post(url, {"mfa-reason": "휴대폰 분실"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2단계 인증" in page and "휴대폰 분실" in page and "검토 지원" in page
    assert not Authenticator.objects.filter(user=city_staff).exists()


@pytest.mark.django_db
def test_an_administrator_cannot_change_their_own_roles_in_the_page(client, administrator):
    client.force_login(administrator)
    url = f"/ko/me/staff/{administrator.pk}/"
    page = client.get(url).content.decode()
    assert 'name="role-role"' not in page and 'name="mfa-reason"' not in page
    response = client.post(url, {"mfa-reason": "x"})
    assert response.status_code == 403
    assert Authenticator.objects.filter(user=administrator).exists()


# --- API -------------------------------------------------------------------------------------


@pytest.fixture
def admin_token(administrator):
    return services.create_api_token(actor=administrator, name="admin script")[1]


@pytest.mark.django_db
def test_api_permission_matrix(client, admin_token, city_staff):
    person = UserFactory()
    staff_secret = services.create_api_token(actor=city_staff, name="s")[1]
    body = {"role": "moderator", "granted": True, "reason": "x"}
    for headers, expected in ((bearer(staff_secret), 403), ({}, 401)):
        response = client.get("/api/v1/staff/people", **headers)
        assert response.status_code == expected and "detail" in response.json()
        response = client.post(
            f"/api/v1/staff/people/{person.pk}/roles",
            body,
            content_type="application/json",
            **headers,
        )
        assert response.status_code == expected and "detail" in response.json()
    person.refresh_from_db()
    assert not person.is_moderator


@pytest.mark.django_db
def test_api_lists_changes_and_resets(client, administrator, admin_token, city_staff):
    response = client.get("/api/v1/staff/people", {"q": city_staff.email}, **bearer(admin_token))
    assert response.status_code == 200
    assert response.json()["results"][0] | {"id": 0} == {
        "id": 0,
        "email": city_staff.email,
        "display_name": city_staff.display_name,
        "is_city_staff": True,
        "is_moderator": False,
        "is_administrator": False,
        "has_totp": True,
    }
    url = f"/api/v1/staff/people/{city_staff.pk}/roles"
    response = client.post(
        url,
        {"role": "city_staff", "granted": False, "reason": "퇴직"},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 200 and response.json()["is_city_staff"] is False
    response = client.post(
        url,
        {"role": "mayor", "granted": True, "reason": ""},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 422 and {"role", "reason"} <= set(response.json()["errors"])
    response = client.post(
        f"/api/v1/staff/people/{city_staff.pk}/two-factor/reset",
        {"reason": "휴대폰 분실"},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 200 and response.json() == {"removed": 1}
    # Never on one's own account; an unknown person is a 404.
    response = client.post(
        f"/api/v1/staff/people/{administrator.pk}/roles",
        {"role": "moderator", "granted": True, "reason": "x"},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 403
    response = client.post(
        "/api/v1/staff/people/999999/two-factor/reset",
        {"reason": "x"},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 404


# --- first login of a privileged person --------------------------------------------------------


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # now (the others are the tolerance around it)
    return format_hotp_value(hotp_value(secret, counter))


@pytest.mark.django_db
def test_first_login_asks_for_the_password_once_then_totp_then_codes_then_workspace(client):
    person = UserFactory(is_city_staff=True)
    response = client.post(
        "/ko/accounts/login/", {"login": person.email, "password": PASSWORD}, follow=True
    )
    # Straight to the authenticator set-up: no second password prompt.
    assert response.redirect_chain[-1][0] == "/ko/accounts/2fa/totp/activate/"
    page = response.content.decode()
    assert "인증 앱 켜기" in page and "reauthenticate" not in response.redirect_chain[-1][0]
    secret = response.context["form"].secret
    response = client.post(
        "/ko/accounts/2fa/totp/activate/", {"code": current_code(secret)}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/ko/accounts/2fa/recovery-codes/"
    page = response.content.decode()
    assert "복구 코드" in page and 'href="/ko/workspace/"' in page
    assert client.get("/ko/workspace/").status_code == 200


@pytest.mark.django_db
def test_an_old_login_still_asks_to_confirm_access(client, monkeypatch):
    person = UserFactory(is_city_staff=True)
    client.post("/ko/accounts/login/", {"login": person.email, "password": PASSWORD})
    session = client.session
    records = session["account_authentication_methods"]
    records[-1]["at"] -= 3600
    session["account_authentication_methods"] = records
    session.save()
    response = client.get("/ko/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
