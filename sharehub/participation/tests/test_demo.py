import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.participation.demo import AREAS, COMMITTEES, PROPOSALS, load_demo
from sharehub.participation.models import (
    Committee,
    CommitteeMembership,
    PolicyArea,
    Proposal,
    ProposalState,
)
from sharehub.participation.selectors import public_proposals

pytestmark = pytest.mark.django_db


def test_demo_committees_areas_and_proposals_in_several_states(client):
    emails = ["staff", "citizen", "moderator", "admin", "member"]
    accounts = {
        f"{name}@sharehub.example": UserFactory(email=f"{name}@sharehub.example") for name in emails
    }
    created = load_demo(accounts=accounts)
    assert created >= len(COMMITTEES) + len(AREAS) + len(PROPOSALS)
    assert load_demo(accounts=accounts) == 0
    assert {c.slug for c in Committee.objects.all()} == {"policy", "laws", "sharing-promotion"}
    for committee in Committee.objects.all():
        assert committee.name_ko and committee.name_en and committee.remit_ko and committee.remit_en
    assert PolicyArea.objects.count() == 5
    assert CommitteeMembership.objects.exists()
    states = set(Proposal.objects.values_list("state", flat=True))
    assert {
        ProposalState.SUBMITTED,
        ProposalState.COLLECTING,
        ProposalState.ON_AGENDA,
        ProposalState.NOT_ENOUGH_SUPPORT,
        ProposalState.WITHDRAWN,
    } <= states
    for proposal in Proposal.objects.all():
        assert proposal.supports_count == proposal.supports.count()
    on_agenda = Proposal.objects.get(state=ProposalState.ON_AGENDA)
    assert on_agenda.supports_count >= on_agenda.support_threshold
    assert on_agenda.agenda_committee == on_agenda.area.committee
    assert not public_proposals().filter(state=ProposalState.SUBMITTED).exists()
    page = client.get("/ko/participate/").content.decode()
    assert on_agenda.title in page
    assert client.get("/en/participate/committees/laws/").status_code == 200
