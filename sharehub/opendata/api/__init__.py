"""opendata's REST API under /api/v1/data/: indicators, official statistics, the scoreboard,
the datasets. Each part's router is added here."""

from ninja import Router

router = Router(tags=["open data"])
