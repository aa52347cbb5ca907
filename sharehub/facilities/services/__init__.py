"""Every write to facilities (DESIGN §3, §4h), one module per part:

- `booking`: book, a weekly series, approve, reject, mark paid, cancel, expire, close a space;
- `spaces`: staff create and edit spaces, their hours, fee table, refund bands and photos;
- `lottery`: rounds, entries and the verifiable draw;
- `penalties`: check-in, no-shows, suspensions and appeals;
- `waitlist`: waiting for a taken period, offers when it is released, reminders;
- `results`: the monthly operating results.

The booking functions are re-exported here, the way views and the API have always called them.
"""

from .booking import (
    MAX_SERIES_WEEKS,
    BookingAsk,
    approve,
    book,
    book_series,
    cancel,
    close_space,
    expire_waiting,
    mark_paid,
    reject,
)

__all__ = [
    "MAX_SERIES_WEEKS",
    "BookingAsk",
    "approve",
    "book",
    "book_series",
    "cancel",
    "close_space",
    "expire_waiting",
    "mark_paid",
    "reject",
]
