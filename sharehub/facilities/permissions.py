"""Who may do what to which space or booking (DESIGN §3): functions, not scattered ifs."""

from __future__ import annotations

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in

from .models import Booking, Space


def is_space_staff(actor: Actor, space: Space) -> bool:
    """City staff run every space; a space's own staff (its managing office) run theirs."""
    if not is_signed_in(actor):
        return False
    return is_city_staff(actor) or space.staff.filter(pk=getattr(actor, "pk", None)).exists()


def is_booker(actor: Actor, booking: Booking) -> bool:
    return is_signed_in(actor) and booking.user_id == getattr(actor, "pk", None)


def can_see_booking(actor: Actor, booking: Booking) -> bool:
    """Only the booker and the space's staff see a booking's details; the public sees taken or
    free only."""
    return is_booker(actor, booking) or is_space_staff(actor, booking.space)
