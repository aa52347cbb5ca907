"""participation's registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.editor import register_author
from sharehub.core.periodic import register_periodic
from sharehub.moderation.registry import register_moderated
from sharehub.moderation.signals import moderation_changed
from sharehub.notifications.kinds import register_kind
from sharehub.search.registry import register_searchable

from . import demo, notices, privacy_data, tasks
from .models import Proposal
from .permissions import has_verified_email
from .search_index import PROPOSAL_KIND, PROPOSAL_STATE_FIELDS, proposal_document
from .selectors import public_proposals
from .services import on_moderation_changed


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


# Submitted proposals wait for a moderator; publication opens the support period.
register_moderated(Proposal)
moderation_changed.connect(on_moderation_changed, dispatch_uid="participation.publish_proposal")
register_searchable(
    Proposal,
    document=proposal_document,
    public=public_proposals,
    state_fields=PROPOSAL_STATE_FIELDS,
    by_district=True,
    kind=PROPOSAL_KIND,
)
register_kind(
    notices.PROPOSAL_KIND,
    _("Your proposals: thresholds, deadlines and answers"),
    email_default=True,
)
# Anyone who may propose may put images in a proposal (through the upload budget).
register_author("participation", has_verified_email)
register_periodic(
    "participation.close_expired", tasks.close_expired_proposals, every=timedelta(hours=1)
)
privacy.register(
    "participation",
    export=privacy_data.export_participation,
    erase=privacy_data.erase_participation,
)
register_demo("participation", _load_demo, label="policy participation", order=45)

# The registrations of the comments, committee review and city answers parts.
from . import (  # noqa: E402, F401
    manifest_answers,
    manifest_attachments,
    manifest_comments,
    manifest_review,
)
