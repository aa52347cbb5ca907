import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.events.demo import COMMITTEE_MEETINGS, EVENTS, load_demo
from sharehub.events.models import Event, Registration, RegistrationStatus
from sharehub.events.selectors import certificate_eligible
from sharehub.participation.models import Committee

pytestmark = pytest.mark.django_db


def test_demo_is_bilingual_idempotent_and_consistent():
    emails = ["staff", "citizen", "moderator", "admin", "member"]
    accounts = {
        f"{name}@sharehub.example": UserFactory(email=f"{name}@sharehub.example") for name in emails
    }
    # Every event, and a past and an upcoming meeting of each demo committee found (here only
    # the designation committee the migrations create).
    meetings = 2 * Committee.objects.filter(slug__in=[c[0] for c in COMMITTEE_MEETINGS]).count()
    assert load_demo(accounts=accounts) == len(EVENTS) + meetings
    assert len(EVENTS) >= 12
    assert load_demo(accounts=accounts) == 0
    for event in Event.objects.all():
        assert event.title_ko and event.title_en and event.summary_en
        assert (
            event.seats_taken
            == event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            <= event.capacity
        )
    assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).exists()
    assert Event.objects.filter(kind="training", sessions__isnull=False).distinct().count() >= 2
    finished = Event.objects.get(title_en__startswith="Training for community")
    assert any(certificate_eligible(r) for r in finished.registrations.all())
