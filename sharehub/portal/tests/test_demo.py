import pytest

from sharehub.accounts.demo import DEMO_ACCOUNTS
from sharehub.accounts.models import User
from sharehub.core.demo import demo_loaders, load_demo
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Membership, Organization
from sharehub.places.models import District


@pytest.mark.django_db
def test_demo_loads_the_real_data_and_twice_changes_nothing():
    first = load_demo()
    assert (
        first.created["places"],
        first.created["accounts"],
        first.created["organizations"],
    ) == (25, len(DEMO_ACCOUNTS), 41)
    snapshot = (
        District.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
        Membership.objects.count(),
    )
    second = load_demo()
    assert first.created["directory"] == 41
    assert (
        second.created["places"],
        second.created["accounts"],
        second.created["organizations"],
        second.created["directory"],
    ) == (0, 0, 0, 0)
    assert snapshot == (
        District.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
        Membership.objects.count(),
    )

    assert Organization.objects.exclude(moderation_status=ModerationStatus.PUBLISHED).count() == 0
    open_closet = Organization.objects.get(name_en="Open Closet")
    assert open_closet.district.name_en == "Gwangjin-gu"
    assert open_closet.source.startswith("http")
    assert (
        Membership.objects.get(organization=open_closet, role="owner").user.email
        == "member@sharehub.example"
    )
    assert District.objects.get(code="11110").name_ko == "종로구"


def test_every_app_registers_its_demo_data_in_the_order_they_depend_on():
    assert [loader.name for loader in demo_loaders()] == [
        "places",
        "places.neighbourhoods",
        "accounts",
        "organizations",
        "designation",
        "directory",
        "participation",
        "participation.answers",
        "events",
        "facilities",
        "facilities-results",
        "programmes",
        "news",
        "newsletters",
        "opendata_statistics",
        "opendata_scoreboard",
        "opendata_datasets",
        "search",
    ]


def test_the_load_demo_summary_names_every_part_in_its_own_language():
    """`manage.py load_demo` prints its summary in English: no label is a translated string
    (one was, and printed "공공데이터: 데이터셋" among the English lines)."""
    labels = [loader.label for loader in demo_loaders()]
    assert labels and all(type(label) is str and label.isascii() for label in labels), labels
