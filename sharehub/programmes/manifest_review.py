"""The review part's registrations with the kernel (imported by manifest.py): the staff's
"Applications to screen" and the reviewers' "Reviews to do" in the workspace, and the reviewer's
reviews in "download my data" and account deletion, and the words for every `programmes.` audit
entry that no part with a longer prefix describes (history.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.audit import register_describer
from sharehub.core.workspace import register_work

from . import history, privacy_review
from .permissions import reviews_anything, runs_any_call
from .selectors.review import (
    pending_reviews_count,
    screening_count,
)

register_work(
    "programmes.screening",
    label=_("Applications to screen"),
    url_name="programmes:screening",
    allowed=runs_any_call,
    count=screening_count,
    help_text=_("Submitted applications of the calls you run, waiting for the eligibility check."),
    order=50,
)
register_work(
    "programmes.reviews",
    label=_("Reviews to do"),
    url_name="programmes:reviews",
    allowed=reviews_anything,
    count=pending_reviews_count,
    help_text=_("Applications of support programmes you are asked to review."),
    order=51,
)
privacy.register(
    "programmes.review",
    export=privacy_review.export_reviews,
    erase=privacy_review.erase_reviews,
)
register_describer(history.PREFIX, history.describe)
