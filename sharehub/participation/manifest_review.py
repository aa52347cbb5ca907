"""participation: review's registrations with the kernel (imported by manifest.py).

Published recommendations are searchable (their own kind on the hub's search page); notes and
drafts never: the index holds only what `public_recommendations` returns.
"""

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind
from sharehub.search.registry import register_searchable

from .models import Recommendation
from .privacy_review import erase_review, export_review
from .search_index import (
    RECOMMENDATION_KIND,
    RECOMMENDATION_STATE_FIELDS,
    recommendation_document,
)
from .selectors.review import agenda_count, is_member_of_any, public_recommendations
from .services.review import REVIEW_KIND

register_kind(
    REVIEW_KIND,
    _("Committee decisions on proposals you wrote or follow"),
    email_default=True,
)
register_searchable(
    Recommendation,
    document=recommendation_document,
    public=public_recommendations,
    state_fields=RECOMMENDATION_STATE_FIELDS,
    kind=RECOMMENDATION_KIND,
)
# A committee member finds the committee's private workspace from the header's workspace.
register_work(
    "participation.committee_workspace",
    label=_("Committee workspace"),
    url_name="participation:my_committees",
    allowed=is_member_of_any,
    count=agenda_count,
    help_text=_("Proposals on your committees' agendas: rapporteurs, private notes, drafts."),
    order=50,
)
# The notes a person wrote are in their data export; erased, they stay without an author.
privacy.register("participation.review", export=export_review, erase=erase_review)

# Demo data: participation's own loader (demo.load_demo) ends with demo.load_review_demo.
