import pytest

from sharehub.core.audit import log_action
from sharehub.organizations.history import describe
from sharehub.organizations.tests.factories import OrganizationFactory


@pytest.mark.django_db
def test_designation_steps_are_told_in_words_on_the_organization_history(city_staff):
    organization = OrganizationFactory()
    entry = log_action(
        actor=city_staff,
        action="designation.approved",
        target=organization,
        data={"number": "2026-0001"},
    )
    text = describe(entry, show_emails=False)
    assert text != "designation.approved"
    assert "2026-0001" in text


@pytest.mark.django_db
def test_an_unknown_action_falls_back_to_its_code(city_staff):
    entry = log_action(actor=city_staff, action="nobody.knows", target=OrganizationFactory())
    assert describe(entry, show_emails=False) == "nobody.knows"
