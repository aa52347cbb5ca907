"""The lottery entry form: the booking form's period and purpose, without the weekly series."""

from __future__ import annotations

from typing import Any

from sharehub.facilities.forms import BookingForm
from sharehub.facilities.models import Space


class EntryForm(BookingForm):
    """An entry asks for one period of a round; a series is not drawn, and the draw, not the
    speed of a form, decides (no opening time kept)."""

    def __init__(self, *args: Any, space: Space, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, space=space, user=user, **kwargs)
        del self.fields["weeks"]
        del self.fields["opened"]
