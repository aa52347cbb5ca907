"""Property-based tests of the whole API against its own OpenAPI document (schemathesis).

Every operation, as nobody, as a citizen with a token and as city staff with a token (with TOTP),
and every write as the owner of an organization with a token (the generated ids and slugs may hit
its organization), with valid and invalid input: no 500, no status the document does not list, every body
as documented (errors in the JSON error shape), and schemathesis's other checks. In process
(WSGI), no server.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from sharehub.accounts.services import create_api_token

# Examples per operation and identity: small, for every operation × 3 identities must stay short.
EXAMPLES = 6


# Valid data by the schema may still break a rule the schema cannot say (an address that is not
# an e-mail, a token that was never issued, a second registration): a 422 with field errors.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
CONFIG = {
    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    "phases": {"coverage": {"enabled": False}},
}


def _load_schema():
    from schemathesis.config import SchemathesisConfig

    from sharehub.wsgi import application

    config = SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI application, not Django's test client: like the test client,
    keep Django from closing the connection at each request (it holds the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def identities(db) -> dict[str, dict]:
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.newsletters.tests.factories import CampaignFactory, TopicFactory
    from sharehub.organizations.tests.factories import organization_owned_by
    from sharehub.places.tests.factories import DistrictFactory

    # A little of everything, so that some generated ids and slugs find something.
    citizen = UserFactory()
    member = UserFactory()
    staff = give_totp(UserFactory(is_city_staff=True))
    DistrictFactory()
    TopicFactory()
    organization_owned_by(member)
    CampaignFactory()
    headers = {"anonymous": {}}
    for role, user in (("citizen", citizen), ("member", member), ("staff", staff)):
        _token, secret = create_api_token(actor=user, name="fuzz")
        headers[role] = {"Authorization": f"Bearer {secret}"}
    return headers


@pytest.mark.parametrize("role", ["anonymous", "citizen", "staff"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case, role, identities):
    case.call_and_validate(headers=identities[role])


# The organization's owner differs from a citizen in what it may write: its writes, fewer examples
# (the reads answer it as they answer a citizen, and the whole run must stay short).
MEMBER_EXAMPLES = 3


@schema.include(method=["POST", "PUT", "PATCH", "DELETE"]).parametrize()
@settings(
    max_examples=MEMBER_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_writes_answer_as_documented_to_an_organization_member(case, identities):
    case.call_and_validate(headers=identities["member"])


# Stateful: sequences of calls linked by the ids and slugs that one answer gives to the next
# operation (schemathesis infers the links), as city staff, who may do the most. The token is
# given through schemathesis's auth provider, so its checks know it is the caller's credential.
STATEFUL_EXAMPLES = 8
STATEFUL_STEPS = 6
stateful_schema = _load_schema()
_staff_token: list[str] = []


@stateful_schema.auth(refresh_interval=None)
class StaffToken:
    def get(self, case, context) -> str:
        return _staff_token[-1]

    def set(self, case, data: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def test_api_sequences_answer_as_documented(identities):
    _staff_token.append(identities["staff"]["Authorization"].removeprefix("Bearer "))
    stateful_schema.as_state_machine().run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
