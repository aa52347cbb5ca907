"""The public REST API: one NinjaAPI at /api/v1/ that mounts every app's router.

Errors are shaped by sharehub.core.api_errors (DESIGN §5), including unexpected ones (a JSON 500);
sharehub.core.middleware answers JSON for errors raised outside the API (unknown address, 405);
sharehub.core.api_schema documents every status each operation can answer.
"""

from __future__ import annotations

from sharehub.accounts.api import staff_router
from sharehub.accounts.auth import api_auth
from sharehub.core.api_errors import JsonObjectParser, install_error_handlers
from sharehub.core.api_schema import HubNinjaAPI
from sharehub.designation.api import router as designation_router
from sharehub.directory.api import router as directory_router
from sharehub.events.api import router as events_router
from sharehub.facilities.api import router as facilities_router
from sharehub.news.api import router as news_router
from sharehub.newsletters.api import router as newsletters_router
from sharehub.opendata.api import router as opendata_router
from sharehub.organizations.api import router as organizations_router
from sharehub.participation.api import router as participation_router
from sharehub.places.api import router as places_router
from sharehub.portal.api import router as me_router
from sharehub.programmes.api import router as programmes_router
from sharehub.search.api import router as search_router

api = HubNinjaAPI(
    title="ShareHub API",
    version="1",
    description="Public REST API of the sharing city hub.",
    urls_namespace="api",
    docs_url="/docs",
    auth=api_auth,
    parser=JsonObjectParser(),
)
api.add_router("/", me_router)
api.add_router("/districts", places_router)
api.add_router("/organizations", organizations_router)
api.add_router("/designation", designation_router)
api.add_router("/directory", directory_router)
api.add_router("/events", events_router)
api.add_router("/news", news_router)
api.add_router("/newsletters", newsletters_router)
api.add_router("/participation", participation_router)
api.add_router("/spaces", facilities_router)
api.add_router("/programmes", programmes_router)
api.add_router("/data", opendata_router)
api.add_router("/search", search_router)
api.add_router("/staff", staff_router)

install_error_handlers(api)
