"""The review part's registrations with the kernel (imported by manifest.py): the staff's
"Applications to screen" and the reviewers' "Reviews to do" in the workspace, and the reviewer's
reviews in "download my data" and account deletion."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.workspace import register_work

from . import privacy_review
from .selectors.review import (
    has_assignments,
    pending_reviews_count,
    runs_any_call,
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
    allowed=has_assignments,
    count=pending_reviews_count,
    help_text=_("Applications of support programmes you are asked to review."),
    order=51,
)
privacy.register(
    "programmes.review",
    export=privacy_review.export_reviews,
    erase=privacy_review.erase_reviews,
)
