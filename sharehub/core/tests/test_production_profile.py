"""The production profile through its front door (issue 19, docs/deploying.md): two web processes
behind nginx (deploy/nginx/sharehub.conf, TLS), two RQ workers on Redis, uploads on S3, an SMTP
sink counting every message. A registration rush, a booking contest and a newsletter campaign go
through it: exactly the capacity, no overlap, every mail once. PostgreSQL only."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.services import create_api_token
from sharehub.accounts.tests.factories import PASSWORD
from sharehub.core.tests.production import HOST, PRIVATE_BUCKET, Stack
from sharehub.core.tests.production import production_stack as production_stack
from sharehub.events.models import Event, Registration, RegistrationStatus
from sharehub.events.tests.factories import EventFactory
from sharehub.facilities.models import ACTIVE_STATUSES, Booking
from sharehub.facilities.tests.factories import SpaceFactory
from sharehub.newsletters.models import Campaign, Delivery, Subscriber
from sharehub.notifications.models import OutboundEmail
from sharehub.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 24
PLACES = 8
CONTENDERS = 12
SUBSCRIBERS = 20
MAIL_SECONDS = 150
TAKEN = "This time is already taken."


def _rush(stack: Stack, path: str, tokens: list[str], body: dict) -> list[tuple[int, dict]]:
    """Everyone at once through the proxy, each on their own TLS connection."""
    answers: list[tuple[int, dict]] = [(0, {})] * len(tokens)
    gate = threading.Barrier(len(tokens))

    def person(i: int) -> None:
        session = stack.session()
        gate.wait(timeout=60)
        try:
            answer = session.post(
                stack.url + path,
                json=body,
                headers={"Authorization": f"Bearer {tokens[i]}"},
                timeout=90,
            )
            answers[i] = (answer.status_code, answer.json())
        except (requests.RequestException, ValueError) as error:
            answers[i] = (0, {"error": repr(error)})

    threads = [threading.Thread(target=person, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _people(prefix: str, n: int) -> tuple[list[User], list[str]]:
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.org", display_name=f"참가자 {i}") for i in range(n)]
    )
    return users, [create_api_token(actor=user, name="rush")[1] for user in users]


def _all_mail_sent(stack: Stack, expected_rows: int) -> bool:
    outbox = OutboundEmail.objects.count()
    done = (
        outbox >= expected_rows
        and not OutboundEmail.objects.exclude(status="sent").exists()
        and not Delivery.objects.exclude(status="sent").exists()
    )
    return done and len(stack.mail.messages) >= outbox + Delivery.objects.count()


def test_rushes_and_a_campaign_through_the_production_profile(production_stack, city_staff):
    stack: Stack = production_stack
    web = stack.session()

    # The proxy: plain HTTP is sent to HTTPS; the API answers through either web process.
    redirect = web.get(
        f"http://127.0.0.1:{stack.http_port}/api/v1/events",
        allow_redirects=False,
        timeout=30,
    )
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == f"https://{HOST}/api/v1/events"

    # 1. A registration rush: exactly the places, the rest waitlisted, no error.
    event = EventFactory(capacity=PLACES)
    _, tokens = _people("rush", PEOPLE)
    answers = _rush(stack, f"/api/v1/events/{event.pk}/registration", tokens, {})
    assert [status for status, _ in answers] == [201] * PEOPLE, answers
    statuses = Counter(body["status"] for _, body in answers)
    assert statuses == {"confirmed": PLACES, "waitlisted": PEOPLE - PLACES}
    event = Event.objects.get(pk=event.pk)
    assert event.seats_taken == PLACES
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
        == PLACES
    )

    # 2. A booking contest for one slot: one booking, every other answer "taken".
    space = SpaceFactory(
        slug="contested", max_bookings_per_month=31, max_hours_per_day=12, closed_on_holidays=False
    )
    day = timezone.localdate() + timedelta(days=3)
    starts = timezone.make_aware(datetime.combine(day, clock(14)))
    _, contenders = _people("contest", CONTENDERS)
    booking = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "purpose": "meeting",
        "purpose_detail": "모임",
        "people": 3,
    }
    answers = _rush(stack, f"/api/v1/spaces/{space.slug}/bookings", contenders, booking)
    assert sorted(status for status, _ in answers) == [201] + [422] * (CONTENDERS - 1), answers
    assert all(TAKEN in str(body) for status, body in answers if status == 422), answers
    assert Booking.objects.filter(space=space, status__in=ACTIVE_STATUSES).count() == 1

    # 3. A campaign, started by the service on a machine of the city, its sending enqueued twice
    # (the scheduler's sweep may do so): both workers send, each reader gets it once.
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"reader{n}@example.org", language="ko", status="confirmed")
            for n in range(SUBSCRIBERS)
        ]
    )
    body = "<p>이번 달 공유허브 소식입니다.</p>"
    campaign = Campaign.objects.create(
        subject_ko="공유허브 소식",
        subject_en="ShareHub news",
        body_html_ko=body,
        body_html_en="<p>This month at ShareHub.</p>",
        body_text_ko="이번 달 공유허브 소식입니다.",
        body_text_en="This month at ShareHub.",
    )
    stack.manage(
        "shell",
        "-c",
        "from sharehub.accounts.models import User\n"
        "from sharehub.newsletters import services, tasks\n"
        "from sharehub.newsletters.models import Campaign\n"
        f"campaign = Campaign.objects.get(pk={campaign.pk})\n"
        f"services.start_sending(actor=User.objects.get(pk={city_staff.pk}), campaign=campaign)\n"
        f"tasks.send_campaign.enqueue({campaign.pk})\n",
    )

    # Every mail once: each outbox row and each delivery reached the sink exactly once.
    stack.wait_for(
        lambda: _all_mail_sent(stack, expected_rows=PEOPLE),
        "every mail sent",
        timeout=MAIL_SECONDS,
    )
    assert Delivery.objects.filter(campaign=campaign).count() == SUBSCRIBERS
    received = Counter(
        (message["To"], str(message["Subject"])) for message in list(stack.mail.messages)
    )
    expected = Counter((row.to[0], row.subject) for row in OutboundEmail.objects.all())
    expected.update(
        (delivery.subscriber.email, "공유허브 소식")
        for delivery in Delivery.objects.select_related("subscriber")
    )
    assert received == expected
    registered = {f"rush{i}@example.org" for i in range(PEOPLE)}
    assert registered <= {to for to, _ in received}
    assert OutboundEmail.objects.filter(kind="events.registration").count() == PEOPLE, (
        "one registration notice per person"
    )

    # The router: anonymous API lists read the replica (here the primary under another name).
    assert web.get(stack.url + "/api/v1/events", timeout=30).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sharehub-replica'"
        )
        assert cursor.fetchone()[0] >= 1


def test_private_uploads_stay_private_on_object_storage(production_stack):
    """An organizer signs in through the proxy (the session in Redis, written through to the
    database), uploads a material; it lands in the private bucket with no public grant, and the
    hub serves it to the organizer only, whichever web process answers."""
    stack: Stack = production_stack
    membership = MembershipFactory()
    organizer = membership.user
    # The web processes hash as production does (the tests' fast MD5 hasher is theirs alone).
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=organizer.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    event = EventFactory(organization=membership.organization)
    browser = stack.session()
    login = browser.get(stack.url + "/en/accounts/login/", timeout=30)
    assert login.status_code == 200
    signed_in = browser.post(
        stack.url + "/en/accounts/login/",
        data={
            "login": organizer.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"https://{HOST}/en/accounts/login/", "Origin": f"https://{HOST}"},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]
    content = b"%PDF-1.4\n% ShareHub slides\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    added = browser.post(
        stack.url + f"/en/events/{event.pk}/materials/",
        data={
            "material-kind": "slides",
            "material-title": "Slides",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        files={"material-file": ("slides.pdf", content, "application/pdf")},
        headers={"Referer": f"https://{HOST}/en/events/{event.pk}/manage/"},
        allow_redirects=False,
        timeout=60,
    )
    assert added.status_code == 302, added.text[:2000]
    material = event.materials.get()

    # In the private bucket, readable by nobody but its owner (the hub's key).
    s3 = stack.s3()
    stored = s3.get_object(Bucket=PRIVATE_BUCKET, Key=material.file.name)["Body"].read()
    assert stored == content
    grants = s3.get_object_acl(Bucket=PRIVATE_BUCKET, Key=material.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)
    assert "Contents" not in s3.list_objects_v2(Bucket="sharehub-media")

    # Served after the check: the organizer (on each web process) yes, a stranger no.
    path = f"/en/events/{event.pk}/materials/{material.pk}/"
    for _ in range(4):
        answer = browser.get(stack.url + path, timeout=30)
        assert answer.status_code == 200
        assert answer.content == content
        assert {"private", "no-store"} <= {
            part.strip() for part in answer.headers["Cache-Control"].split(",")
        }
    assert stack.session().get(stack.url + path, timeout=30).status_code == 404


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_redis_restarted_mid_queue_loses_no_mail_and_sends_none_twice(production_stack):
    """Redis restarted while work waits in its queue: it keeps nothing across a restart (the
    profile's Redis saves nothing), so the queued jobs are gone. What they were to do is in the
    database (each registration's notice is marked due in its own transaction): the scheduler's
    sweep (`run_periodic`: `events.tell_due_notices`) does it, each person is told once, and the
    web answers again by itself once Redis is back."""
    from sharehub.core.tests.production import require_binaries

    stack: Stack = production_stack
    web = stack.session()
    for worker in ("worker1", "worker2"):
        stack.stop(worker)
    event = EventFactory(capacity=PLACES)
    _, tokens = _people("restart", 6)
    answers = _rush(stack, f"/api/v1/events/{event.pk}/registration", tokens, {})
    assert [status for status, _ in answers] == [201] * 6, answers
    registrations = Registration.objects.filter(event=event)
    assert registrations.exclude(notice_due="").count() == 6, "the notices wait in the queue"

    # Redis goes down and comes back empty: the queued jobs are lost.
    port = stack.redis_url.rsplit(":", 1)[1].split("/")[0]
    stack.stop("redis")
    assert not _redis_answers(stack.redis_url)
    # Meanwhile the hub answers without its cache, and a registration stands (its notice due).
    for path in ("/api/v1/events", "/en/events/", "/ko/directory/"):
        assert web.get(stack.url + path, timeout=30).status_code == 200, path
    _, late = _people("restart-late", 1)
    answers = _rush(stack, f"/api/v1/events/{event.pk}/registration", late, {})
    assert [status for status, _ in answers] == [201], answers
    assert "Redis out of reach" in "".join(stack.log(name) for name in ("web1", "web2"))
    persistence = ["--dir", str(stack.tmp / "redis"), "--save", "", "--appendonly", "no"]
    redis_server = require_binaries()["redis-server"]
    stack.spawn("redis", [redis_server, "--bind", "127.0.0.1", "--port", port, *persistence])
    stack.wait_for(lambda: _redis_answers(stack.redis_url), "Redis again")
    # The web processes reconnect by themselves (cache, sessions, rate limits).
    assert web.get(stack.url + "/api/v1/events", timeout=30).status_code == 200
    assert web.get(stack.url + "/en/events/", timeout=30).status_code == 200

    for worker in ("worker1", "worker2"):
        stack.start_worker(worker)
    stack.wait_for(lambda: stack.workers_ready(2), "2 RQ workers")
    assert registrations.exclude(notice_due="").count() == 7, "the lost jobs did nothing"
    stack.manage("run_periodic", "--once")

    def told() -> bool:
        rows = OutboundEmail.objects.filter(to__0__startswith="restart")
        return (
            not registrations.exclude(notice_due="").exists()
            and rows.count() == 7
            and not rows.exclude(status="sent").exists()
        )

    stack.wait_for(told, "the seven notices sent", timeout=MAIL_SECONDS)
    received = Counter(
        message["To"]
        for message in list(stack.mail.messages)
        if message["To"].startswith("restart")
    )
    expected = {f"restart{i}@example.org": 1 for i in range(6)} | {"restart-late0@example.org": 1}
    assert received == expected
