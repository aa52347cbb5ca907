"""opendata's registrations with the kernel (see DESIGN.md, "App contract"). Each part's are in
its own `manifest_<part>.py`, imported here."""

from django.utils.translation import gettext_lazy as _

from sharehub.core.workspace import register_work
from sharehub.opendata import indicators  # noqa: F401  registers the live indicators

from . import (  # noqa: F401  each part registers what it adds
    manifest_datasets,
    manifest_scoreboard,
    manifest_statistics,
)
from .permissions import runs_open_data

register_work(
    "opendata.tools",
    label=_("Open data"),
    url_name="opendata:manage",
    allowed=runs_open_data,
    help_text=_("The data catalogue, official statistics and the district scorings."),
    order=70,
)
