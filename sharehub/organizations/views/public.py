"""The public pages: the list of organizations and one organization's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from sharehub.core.filters import page_filters
from sharehub.core.org_sections import render_org_sections
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.slugs import redirect_former_slugs
from sharehub.organizations import counts
from sharehub.organizations.forms import OrganizationFilterForm
from sharehub.organizations.models import MemberRole, Organization
from sharehub.organizations.permissions import can_edit_organization, can_view_members, role_of
from sharehub.organizations.selectors import (
    get_organization_for,
    members_of,
    pending_name_change_of,
    search_organizations,
)


def organization_list(request: HttpRequest) -> HttpResponse:
    form = page_filters(OrganizationFilterForm, request.GET)
    filters = form.applied() if form.is_bound else {}
    queryset = search_organizations(**filters)
    context = {
        "page": paginate(request, queryset, count=counts.count(queryset, **filters)),
        "query": querystring_without_page(request),
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        # The filters ask htmx for the results only; without JS the whole page comes back.
        response = render(request, "organizations/list.html#results", context)
    else:
        context["filter_form"] = form
        response = render(request, "organizations/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@redirect_former_slugs(Organization)
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    role = role_of(request.user, organization)
    show_members = can_view_members(request.user, organization, role=role)
    can_edit = can_edit_organization(request.user, organization, role=role)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "role": role,
            "role_label": MemberRole(role).label if role else "",
            "can_edit": can_edit,
            "pending_name_change": pending_name_change_of(organization) if can_edit else None,
            "show_members": show_members,
            "members": members_of(organization=organization) if show_members else [],
            # What the other apps know of it: listing and services, events, stories, …
            "sections": render_org_sections(organization, request),
        },
    )
