"""opendata's REST API under /api/v1/data/: indicators and official statistics, the scoreboard,
the datasets, one module per part."""

from ninja import Router

from sharehub.opendata.api import datasets, indicators, scoreboard

router = Router(tags=["open data"])
for _part in (indicators, scoreboard, datasets):
    router.add_router("", _part.router)
