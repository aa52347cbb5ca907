"""The read part of CKAN's Action API: /api/3/action/<name> and /api/action/<name> (CKAN serves
both; ckanapi's RemoteCKAN calls the second). GET with URL parameters, POST with a JSON or form
body, as CKAN reads them (ckan/views/api.py `_get_request_data`); every answer is CKAN's JSON
envelope {help, success, result | error}. The actions are in `opendata.ckan`."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import URLPattern, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sharehub.opendata import ckan

logger = logging.getLogger(__name__)


def _answer(body: Any, status: int = 200, *, allow: str | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json;charset=utf-8",
    )
    # Public, read-only and without credentials: any site's script may read it, as CKAN's
    # ckan.cors.origin_allow_all lets portals do.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    if allow:
        response["Allow"] = allow
    return response


def _mixed(query: QueryDict) -> dict[str, Any]:
    """CKAN's `mixed`: a list where a key is repeated, else its single value."""
    return {key: values[0] if len(values) == 1 else values for key, values in query.lists()}


def _request_data(request: HttpRequest) -> dict[str, Any]:
    """The action's parameters; ValueError when a body is not a JSON object."""
    if request.method != "POST":
        return _mixed(request.GET)
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.POST
        values = list(form.values())
        # CKAN's old clients post the JSON text as the form's only key.
        if len(form) == 1 and values[0] in ("1", ""):
            data = json.loads(next(iter(form.keys())))
        else:
            data = _mixed(form)
    elif request.body:
        data = json.loads(request.body.decode("utf-8"))
    else:
        data = _mixed(request.GET)  # a POST without a body: its URL's parameters
    if not isinstance(data, dict):
        raise ValueError(_("The request's data must be a JSON object."))
    return data


@csrf_exempt  # read-only actions: nothing changes, no session is trusted
def action(request: HttpRequest, name: str) -> HttpResponse:
    help_url = request.build_absolute_uri(
        reverse("catalog:ckan", kwargs={"name": "help_show"}) + f"?name={name}"
    )
    envelope: dict[str, Any] = {"help": help_url}
    if request.method == "OPTIONS":
        return _answer(None, 200, allow="GET, POST, OPTIONS")
    if request.method not in ("GET", "POST", "HEAD"):
        envelope.update(
            success=False,
            error={"__type": "Bad Request", "message": _("Use GET or POST for this action.")},
        )
        return _answer(envelope, 405, allow="GET, POST, OPTIONS")
    try:
        data = _request_data(request)
    except (ValueError, UnicodeDecodeError) as error:
        envelope.update(
            success=False,
            error={
                "__type": "Bad Request",
                "message": _("Bad request: %(why)s")
                % {"why": _("JSON Error: %(error)s") % {"error": error}},
            },
        )
        return _answer(envelope, 400)
    data.pop("callback", None)  # JSONP is not offered
    context = ckan.Context(base_url=request.build_absolute_uri("/").rstrip("/"), help_url=help_url)
    try:
        envelope["result"] = ckan.run(name, context, data)
        envelope["success"] = True
    except ckan.CkanError as error:
        envelope.update(success=False, error=error.error_dict())
        return _answer(envelope, error.status)
    except Exception:  # CKAN's last resort: a JSON 500, never an HTML page
        logger.exception("CKAN action %s failed", name)
        envelope.update(
            success=False,
            error={"__type": "Internal Server Error", "message": "Internal Server Error"},
        )
        return _answer(envelope, 500)
    return _answer(envelope)


@csrf_exempt
def no_action(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under the Action API: CKAN's envelope, never the hub's HTML 404."""
    return action(request, rest.strip("/") or "")


def api_version(request: HttpRequest) -> HttpResponse:
    """CKAN's /api/3: the Action API's version."""
    return _answer({"version": 3})


urlpatterns: list[URLPattern] = [
    path("api/3", api_version, name="ckan_version"),
    path("api/3/action/<str:name>", action, name="ckan"),
    path("api/action/<str:name>", action, name="ckan_legacy"),
    # A trailing slash, an empty or nested name: answered in CKAN's JSON, not as an HTML page.
    re_path(r"^api/(?:3/)?action/(?P<name>[^/]+)/$", action),
    re_path(r"^api/(?:3/)?action(?:/(?P<rest>.*))?$", no_action),
]
