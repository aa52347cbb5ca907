"""Who may do what to which call, application, review or report (DESIGN §3): functions, not
scattered ifs. An application is private: its organization's members, the call's staff and its
reviewers who declared no conflict see it; nobody else, through any page, API, export or notice."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.pagecache import kept_value
from sharehub.organizations.models import Membership, Organization

from .models import Application, Call, Conflict, ReviewAssignment


def _pk(actor: Actor) -> int:
    """The actor's key (0, which no row has, for nobody)."""
    return int(getattr(actor, "pk", 0) or 0)


def runs_programmes(actor: Actor) -> bool:
    """City staff create calls (and run every call)."""
    return is_signed_in(actor) and is_city_staff(actor)


def header_roles(actor: Actor) -> dict[str, bool]:
    """What every page's header asks of a signed-in person for this app (the workspace's entries,
    the user menu): whether they run a call, review anything, belong to an organization. One
    query, kept until a write to a table it reads (pagecache.kept_value: every signed-in page
    asks, and the answer changes rarely), and remembered on the request's user object."""
    if not is_signed_in(actor):
        return {"runs": False, "reviews": False, "belongs": False}
    known = getattr(actor, "_programmes_roles", None)
    if known is None:
        pk = _pk(actor)

        def roles() -> dict[str, bool]:
            row = (
                User.objects.filter(pk=pk)
                .annotate(
                    runs=Exists(Call.objects.filter(staff__pk=pk)),
                    reviews=Exists(ReviewAssignment.objects.filter(reviewer_id=pk)),
                    belongs=Exists(Membership.objects.filter(user_id=pk)),
                )
                .values("runs", "reviews", "belongs")
                .first()
            )
            if row is None:
                return {"runs": False, "reviews": False, "belongs": False}
            return {"runs": row["runs"], "reviews": row["reviews"], "belongs": row["belongs"]}

        known = kept_value(f"programmes_roles:{pk}", roles)
        setattr(actor, "_programmes_roles", known)  # noqa: B010  a per-request memo
    return dict(known)


def runs_any_call(actor: Actor) -> bool:
    """City staff, or the named staff of at least one call: they see the staff's pages (the
    calls, screening, the committee, reports to review)."""
    return is_signed_in(actor) and (is_city_staff(actor) or header_roles(actor)["runs"])


def reviews_anything(actor: Actor) -> bool:
    """Someone assigned to review at least one application."""
    return header_roles(actor)["reviews"]


def belongs_to_an_organization(actor: Actor) -> bool:
    return header_roles(actor)["belongs"]


def is_call_staff(actor: Actor, call: Call) -> bool:
    """City staff run every call; a call's named staff run theirs."""
    if not is_signed_in(actor):
        return False
    return is_city_staff(actor) or call.staff.filter(pk=_pk(actor)).exists()


def is_member(actor: Actor, organization: Organization) -> bool:
    return (
        is_signed_in(actor)
        and Membership.objects.filter(organization=organization, user_id=_pk(actor)).exists()
    )


def member_organizations(actor: Actor) -> QuerySet[Organization]:
    if not is_signed_in(actor):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user_id=_pk(actor))


def assignment_of(actor: Actor, application: Application) -> ReviewAssignment | None:
    if not is_signed_in(actor):
        return None
    return ReviewAssignment.objects.filter(application=application, reviewer_id=_pk(actor)).first()


def is_reviewer(actor: Actor, application: Application) -> bool:
    """An assigned reviewer who declared no conflict. Before declaring, a reviewer sees only the
    call, the organization and the title (their review page), never the answers or files."""
    assignment = assignment_of(actor, application)
    return assignment is not None and assignment.conflict == Conflict.NONE


def can_see_application(actor: Actor, application: Application) -> bool:
    if not is_signed_in(actor):
        return False
    return (
        is_member(actor, application.organization)
        or is_call_staff(actor, application.call)
        or is_reviewer(actor, application)
    )


def can_edit_application(actor: Actor, application: Application) -> bool:
    """Members of the applicant organization (the service checks status and deadline)."""
    return is_member(actor, application.organization)


def visible_applications_q(actor: Actor) -> Q:
    """The applications an actor may see, as a filter on Application (lists, search, exports);
    subqueries, so a list never repeats a row."""
    if not is_signed_in(actor):
        return Q(pk__in=[])
    if is_city_staff(actor):
        return Q()
    pk = _pk(actor)
    member = Membership.objects.filter(organization=OuterRef("organization_id"), user_id=pk)
    staff = Call.objects.filter(pk=OuterRef("call_id"), staff__pk=pk)
    reviewer = ReviewAssignment.objects.filter(
        application=OuterRef("pk"), reviewer_id=pk, conflict=Conflict.NONE
    )
    return Q(Exists(member)) | Q(Exists(staff)) | Q(Exists(reviewer))
