"""opendata's registrations with the kernel (see DESIGN.md, "App contract"). Each part's are in
its own `manifest_<part>.py`, imported here."""

from sharehub.opendata import indicators  # noqa: F401  registers the live indicators
