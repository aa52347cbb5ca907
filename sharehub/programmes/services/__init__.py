"""The support programmes' services, one module per part (DESIGN §4i):

- `calls`: staff create, edit and publish calls (tracks, the form, criteria, documents, staff);
  people follow calls;
- `applications`: drafts, files, submission with a receipt, edits until the deadline, withdrawal;
- `review`: screening, reviewers and their conflicts, scores, the automatic transitions;
- `decisions`: the committee's vote, awards within budget and cap, waitlist, rejection;
- `reports`: interim and final reports of awarded projects.

Lock order, everywhere: the call, then the application (`lock_application`), then what hangs on
it. The budget is counted on the call's row, so two decisions on one call serialize there.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_pk
from sharehub.programmes.models import Application, Call
from sharehub.programmes.permissions import is_call_staff


def require_call_staff(actor: Actor, call: Call) -> User:
    """The acting user, if they run this call (city staff or the call's staff)."""
    user = signed_in_user(actor)
    if not is_call_staff(user, call):
        raise PermissionDenied(_("Only the staff of this call may do this."))
    return user


def lock_call(call: Call) -> Call:
    return lock(call)


def lock_application(application: Application) -> tuple[Call, Application]:
    """The application's call, then the application, locked and freshly read."""
    call = lock_pk(Call, application.call_id)
    return call, lock_pk(Application, application.pk)


def invalid_transition(application: Application, action: str) -> ValidationError:
    """The error for an action the application's status does not allow (code
    `invalid_transition:<action>`, on the `status` field)."""
    return field_error(
        "status",
        _("Not possible while the application is “%(status)s”.")
        % {"status": application.get_status_display()},
        code=f"invalid_transition:{action}",
    )
