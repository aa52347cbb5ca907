"""Who may write what: an object-level authorization matrix over every write of the hub (issue 19).

The writes are generated: every route of the resolver whose view may take a POST
(`routes.accepts_post`) and every POST/PUT/PATCH/DELETE of the OpenAPI document. Each must have
a row here that says who may do it (`WHO`); a new write without a row fails
`test_every_write_is_classified`, so it is classified the day it is added.

A row names who may act and which objects of the demo-like hub its address points at. Its
forbidden cells are then proven: the request of each forbidden role, made on a real object that
belongs to someone else (the owner of the right organization, "member"), is refused (403, 404,
401 for the API, or a redirect to sign in) and writes nothing to the database
(`dbwrites.database_writes`: no INSERT, UPDATE or DELETE at all, the session aside).
An API cell sends a body its schema accepts (`API_DATA`, else `{}`; an upload's small valid file,
`API_MULTIPART`), so it reaches the rule; an operation whose required fields no row builds yet
would be listed in `BODY_NOT_BUILT` (none is). The rows anyone may post holding a key from a mail
(an address to confirm, a password to reset, a newsletter's links) have no forbidden role: their
own test proves a forged key refused.

Roles: anonymous; citizen (signed in, no organization); other_member (owner of another
organization); member (owner of the right organization, author or booker of the object); staff
(city staff with TOTP); moderator (with TOTP). The allowed cells are each app's own tests'
(events/tests/test_views.py and the like); here they are the row's documentation.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .dbwrites import database_writes
from .routes import accepts_post, routes

ROLES = ("anonymous", "citizen", "other_member", "member", "staff", "moderator")
# Who may act → the roles that may not (what this test proves refused).
WHO: dict[str, tuple[str, ...]] = {
    # Anyone, signed in or not: sign-in forms, public subscriptions, the language.
    "anyone": (),
    # Any signed-in person, on their own account or as a newcomer (register, support, report).
    "signed_in": ("anonymous",),
    # The person whose object it is (their registration, booking, comment, notification).
    "own": ("anonymous", "citizen", "other_member"),
    # The members of the organization the object belongs to (city staff too in some apps).
    "member": ("anonymous", "citizen", "other_member"),
    # City staff only.
    "staff": ("anonymous", "citizen", "other_member", "member", "moderator"),
    # Moderators and city staff.
    "moderation": ("anonymous", "citizen", "other_member", "member"),
    # A reviewer assigned to the application, and the staff who run the call.
    "reviewer": ("anonymous", "citizen", "other_member", "member"),
    # The committee's chair (or members): city staff are not seated by their role.
    "committee": ("anonymous", "citizen", "other_member", "member", "staff", "moderator"),
    # Django's admin: is_staff accounts only (none of the hub's roles is one).
    "admin": ("anonymous", "citizen", "other_member", "member", "staff", "moderator"),
    # Administrators (superusers), who give and remove the roles: city staff are refused too.
    "administrator": ("anonymous", "citizen", "other_member", "member", "staff", "moderator"),
}

# Objects of the hub (`_world`), by the path of their attribute: "event.pk".
O = str  # noqa: E741
Row = tuple[str, dict[str, O] | None]

# Web writes: route name → (who, its arguments from the world). None: the row's objects are not
# built here yet, so only its classification is checked.
WEB: dict[str, Row] = {
    "set_language": ("anyone", {}),
    "core:editor_image": ("signed_in", {}),
    "core:editor_preview": ("signed_in", {}),
    "account_login": ("anyone", {}),
    "account_logout": ("anyone", {}),
    "account_signup": ("anyone", {}),
    "account_reauthenticate": ("signed_in", {}),
    "account_email": ("signed_in", {}),
    "account_change_password": ("signed_in", {}),
    "account_set_password": ("signed_in", {}),
    "account_reset_password": ("anyone", {}),
    "account_confirm_login_code": ("anyone", {}),
    "account_confirm_email": ("anyone", {"key": "confirm_key"}),  # the key in the mail (below)
    "account_reset_password_from_key": (
        "anyone",  # the key in the mail is the credential (below)
        {"uidb36": "reset_uidb36", "key": "reset_key"},
    ),
    "mfa_authenticate": ("anyone", {}),  # the second step of a sign-in in progress
    "mfa_reauthenticate": ("signed_in", {}),
    "mfa_activate_totp": ("signed_in", {}),
    "mfa_deactivate_totp": ("signed_in", {}),
    "mfa_generate_recovery_codes": ("signed_in", {}),
    "socialaccount_signup": ("anyone", {}),
    "socialaccount_connections": ("signed_in", {}),
    "accounts:profile": ("signed_in", {}),
    "accounts:api_tokens": ("signed_in", {}),
    "accounts:revoke_api_token": ("own", {"token_id": "token.pk"}),
    "accounts:consent": ("signed_in", {}),
    "accounts:delete": ("signed_in", {}),
    "accounts:staff_member": ("administrator", {"user_id": "role:citizen.pk"}),
    "organizations:create": ("signed_in", {}),
    "organizations:accept_invitation": ("own", {"token": "invitation_token"}),  # its invitee only
    "organizations:decide_name_change": ("moderation", {"pk": "name_change.pk"}),
    "organizations:edit": ("member", {"slug": "organization.slug"}),
    "organizations:invite": ("member", {"slug": "organization.slug"}),
    "organizations:change_role": (
        "member",
        {"slug": "organization.slug", "user_id": "editor.pk"},
    ),
    "organizations:remove_member": (
        "member",
        {"slug": "organization.slug", "user_id": "editor.pk"},
    ),
    "organizations:transfer_ownership": (
        "member",
        {"slug": "organization.slug", "user_id": "editor.pk"},
    ),
    "organizations:leave": ("member", {"slug": "organization.slug"}),
    "organizations:revoke_invitation": (
        "member",
        {"slug": "organization.slug", "invitation_id": "invitation.pk"},
    ),
    "designation:apply": ("member", {"slug": "organization.slug"}),
    "designation:application_edit": ("member", {"pk": "application.pk"}),
    "designation:document_upload": ("member", {"pk": "application.pk"}),
    "designation:submit": ("member", {"pk": "application.pk"}),
    "designation:resubmit": ("member", {"pk": "application.pk"}),
    "designation:comment": ("member", {"pk": "application.pk"}),
    "designation:document_remove": ("member", {"pk": "document.pk"}),
    "designation:review_start": ("staff", {"pk": "application.pk"}),
    "designation:review_checklist": ("staff", {"pk": "application.pk"}),
    "designation:review_advance": ("staff", {"pk": "application.pk"}),
    "designation:review_scores": ("staff", {"pk": "application.pk"}),
    "designation:review_committee": ("staff", {"pk": "application.pk"}),
    "designation:review_request_changes": ("staff", {"pk": "application.pk"}),
    "designation:review_reject": ("staff", {"pk": "application.pk"}),
    "designation:review_approve": ("staff", {"pk": "application.pk"}),
    "designation:stage_new": ("staff", {}),
    "designation:stage_edit": ("staff", {"pk": "stage.pk"}),
    "designation:criterion_new": ("staff", {}),
    "designation:criterion_edit": ("staff", {"pk": "criterion.pk"}),
    "designation:committee_edit": ("staff", {}),
    "designation:report_accept": ("staff", {"pk": "submitted_report.pk"}),
    "designation:report_request_changes": ("staff", {"pk": "submitted_report.pk"}),
    "designation:report": (
        "member",
        {"number": "designation.number", "year": "designation_report.year"},
    ),
    "designation:suspend": ("staff", {"number": "designation.number"}),
    "designation:reinstate": ("staff", {"number": "designation.number"}),
    "designation:revoke": ("staff", {"number": "designation.number"}),
    "directory:categories": ("staff", {}),
    "directory:category_edit": ("staff", {"pk": "category.pk"}),
    "directory:import": ("staff", {}),
    "directory:import_confirm": ("staff", {"pk": "csv_import.pk"}),
    "directory:edit": ("member", {"slug": "organization.slug"}),
    "directory:service_add": ("member", {"slug": "organization.slug"}),
    "directory:service_delete": (
        "member",
        {"slug": "organization.slug", "service_id": "service.pk"},
    ),
    "directory:address_add": ("member", {"slug": "organization.slug"}),
    "directory:address_delete": (
        "member",
        {"slug": "organization.slug", "address_id": "address.pk"},
    ),
    "directory:photo_add": ("member", {"slug": "organization.slug"}),
    "directory:photo_delete": (
        "member",
        {"slug": "organization.slug", "photo_id": "listing_photo.pk"},
    ),
    "moderation:decide": (
        "moderation",
        {"content_type_id": "organization_type", "object_id": "organization.pk"},
    ),
    "moderation:decide_report": ("moderation", {"report_id": "report.pk"}),
    "moderation:report": (
        "signed_in",
        {"content_type_id": "organization_type", "object_id": "organization.pk"},
    ),
    "moderation:resubmit": (
        "member",
        {"content_type_id": "organization_type", "object_id": "organization.pk"},
    ),
    "notifications:mark_read": ("own", {"notification_id": "notification.pk"}),
    "notifications:mark_all_read": ("signed_in", {}),
    "notifications:preferences": ("signed_in", {}),
    "search:synonyms": ("staff", {}),
    "search:synonym_edit": ("staff", {"pk": "synonyms.pk"}),
    "search:synonym_delete": ("staff", {"pk": "synonyms.pk"}),
    "events:reset_feed": ("signed_in", {}),
    "events:create": ("signed_in", {}),  # for an organization the person belongs to
    "events:register": ("signed_in", {"pk": "event.pk"}),
    "events:cancel_registration": ("signed_in", {"pk": "event.pk"}),  # one's own only
    "events:accept_offer": ("signed_in", {"pk": "event.pk"}),  # one's own offer only
    "events:edit": ("member", {"pk": "event.pk"}),
    "events:message": ("member", {"pk": "event.pk"}),
    "events:cancel": ("member", {"pk": "event.pk"}),
    "events:decide": ("member", {"pk": "event.pk", "registration_id": "registration.pk"}),
    "events:remove": ("member", {"pk": "event.pk", "registration_id": "registration.pk"}),
    "events:question_add": ("member", {"pk": "event.pk"}),
    "events:question_delete": ("member", {"pk": "event.pk", "item_id": "question.pk"}),
    "events:session_add": ("member", {"pk": "event.pk"}),
    "events:session_delete": ("member", {"pk": "event.pk", "item_id": "session.pk"}),
    "events:material_add": ("member", {"pk": "event.pk"}),
    "events:material_delete": ("member", {"pk": "event.pk", "item_id": "material.pk"}),
    "events:checkin": ("member", {"pk": "event.pk"}),
    "news:create": ("signed_in", {}),  # for an organization the person belongs to
    "news:edit": ("member", {"slug": "article.slug"}),
    "news:submit": ("member", {"slug": "draft_article.slug"}),
    "news:publish": ("staff", {"slug": "article.slug"}),
    "news:return": ("staff", {"slug": "article.slug"}),
    "news:unpublish": ("member", {"slug": "article.slug"}),
    "news:delete": ("member", {"slug": "article.slug"}),
    "news:page_edit": ("staff", {"slug": "page.slug"}),
    "participation:create": ("signed_in", {}),
    "participation:edit": ("own", {"pk": "proposal.pk"}),
    "participation:submit": ("own", {"pk": "proposal.pk"}),
    "participation:delete": ("own", {"pk": "proposal.pk"}),
    "participation:amend": ("own", {"pk": "proposal.pk"}),
    "participation:withdraw": ("own", {"pk": "proposal.pk"}),
    "participation:support": ("signed_in", {"pk": "proposal.pk"}),
    "participation:unsupport": ("signed_in", {"pk": "proposal.pk"}),
    "participation:comment": ("signed_in", {"pk": "proposal.pk"}),
    "participation:comment_edit": ("own", {"comment_id": "comment.pk"}),
    "participation:follow": ("signed_in", {"pk": "proposal.pk"}),
    "participation:unfollow": ("signed_in", {"pk": "proposal.pk"}),
    "participation:assign_rapporteur": (  # the committee's chair
        "committee",
        {"slug": "committee.slug", "pk": "proposal.pk"},
    ),
    "participation:add_note": (  # the committee's members
        "committee",
        {"slug": "committee.slug", "pk": "proposal.pk"},
    ),
    "participation:delete_note": ("committee", {"pk": "note.pk"}),
    "participation:recommendation_create": ("committee", {"slug": "committee.slug"}),
    "participation:recommendation_edit": ("committee", {"pk": "recommendation.pk"}),
    "participation:decision_set": ("committee", {"pk": "recommendation.pk"}),
    "participation:decision_remove": ("committee", {"pk": "decision.pk"}),
    "participation:recommendation_publish": ("committee", {"pk": "recommendation.pk"}),
    "participation:recommendation_delete": ("committee", {"pk": "recommendation.pk"}),
    "participation:city_bulk": ("staff", {}),
    "participation:answer": ("staff", {"pk": "published_recommendation.pk"}),
    "participation:answer_template_create": ("staff", {}),
    "participation:answer_template_edit": ("staff", {"pk": "answer_template.pk"}),
    "participation:result_update": ("staff", {"pk": "result.pk"}),
    "participation:milestone_add": ("staff", {"pk": "result.pk"}),
    "participation:result_add": ("staff", {"pk": "result.pk"}),
    "participation:milestone_reach": ("staff", {"pk": "milestone.pk"}),
    "participation:attachment_remove": ("own", {"pk": "attachment.pk"}),
    # The spaces' "staff": city staff and each space's own staff (none of the roles).
    "facilities:space_new": ("staff", {}),
    "facilities:space_edit": ("staff", {"slug": "space.slug"}),
    "facilities:space_active": ("staff", {"slug": "space.slug"}),
    "facilities:space_staff": ("staff", {"slug": "space.slug"}),
    "facilities:space_hours": ("staff", {"slug": "space.slug"}),
    "facilities:space_fees": ("staff", {"slug": "space.slug"}),
    "facilities:space_refunds": ("staff", {"slug": "space.slug"}),
    "facilities:space_photos": ("staff", {"slug": "space.slug"}),
    "facilities:space_photo": ("staff", {"slug": "space.slug", "photo_id": "space_photo.pk"}),
    "facilities:space_photo_delete": (
        "staff",
        {"slug": "space.slug", "photo_id": "space_photo.pk"},
    ),
    "facilities:space_photo_move": (
        "staff",
        {"slug": "space.slug", "photo_id": "space_photo.pk"},
    ),
    "facilities:lottery_withdraw": ("own", {"pk": "lottery_entry.pk"}),
    "facilities:lottery_enter": ("signed_in", {"slug": "lottery_space.slug"}),
    "facilities:checkin": ("staff", {"slug": "space.slug"}),
    "facilities:no_show": ("staff", {"reference": "ended_booking.reference"}),
    "facilities:undo_no_show": ("staff", {"reference": "no_show_booking.reference"}),
    "facilities:suspend_booker": ("staff", {"reference": "booking.reference"}),
    "facilities:appeal": ("own", {"pk": "penalty.pk"}),
    "facilities:penalty_suspend": ("staff", {}),
    "facilities:penalty_lift": ("staff", {"pk": "penalty.pk"}),
    "facilities:penalty_decide": ("staff", {"pk": "appealed_penalty.pk"}),
    "facilities:waitlist_join": ("signed_in", {"slug": "space.slug"}),
    "facilities:waitlist_leave": ("own", {"pk": "waitlist_entry.pk"}),
    "facilities:cancel": ("own", {"reference": "booking.reference"}),
    "facilities:close": ("staff", {"slug": "space.slug"}),
    "facilities:approve": ("staff", {"reference": "booking.reference"}),
    "facilities:reject": ("staff", {"reference": "booking.reference"}),
    "facilities:paid": ("staff", {"reference": "unpaid_booking.reference"}),
    "facilities:book": ("signed_in", {"slug": "space.slug"}),
    "programmes:call_new": ("staff", {}),
    "programmes:call_edit": ("staff", {"slug": "programme_call.slug"}),
    "programmes:call_tracks": ("staff", {"slug": "programme_call.slug"}),
    "programmes:call_form": ("staff", {"slug": "programme_call.slug"}),
    "programmes:call_criteria": ("staff", {"slug": "programme_call.slug"}),
    "programmes:call_documents": ("staff", {"slug": "programme_call.slug"}),
    "programmes:call_document_delete": (
        "staff",
        {"slug": "programme_call.slug", "pk": "call_document.pk"},
    ),
    "programmes:call_publish": ("staff", {"slug": "programme_call.slug"}),
    "programmes:edit": ("member", {"pk": "programme_draft.pk"}),
    "programmes:autosave": ("member", {"pk": "programme_draft.pk"}),
    "programmes:submit": ("member", {"pk": "programme_draft.pk"}),
    "programmes:withdraw": ("member", {"pk": "programme_in_review.pk"}),
    "programmes:review_conflict": ("reviewer", {"pk": "programme_assignment.pk"}),
    "programmes:review_scores": ("reviewer", {"pk": "programme_assignment.pk"}),
    "programmes:screen": ("staff", {"pk": "programme_in_review.pk"}),
    "programmes:undo_screening": ("staff", {"pk": "programme_in_review.pk"}),
    "programmes:start_review": ("staff", {"pk": "programme_in_review.pk"}),
    "programmes:to_committee": ("staff", {"pk": "programme_in_review.pk"}),
    "programmes:assign_reviewers": ("staff", {"pk": "programme_in_review.pk"}),
    "programmes:remove_reviewer": (
        "staff",
        {"pk": "programme_in_review.pk", "assignment": "programme_assignment.pk"},
    ),
    "programmes:reopen_review": (
        "staff",
        {"pk": "programme_in_review.pk", "assignment": "programme_assignment.pk"},
    ),
    "programmes:committee_meeting": ("staff", {"slug": "programme_call.slug"}),
    "programmes:committee": ("staff", {"pk": "programme_committee.pk"}),
    "programmes:decide": ("staff", {"pk": "programme_committee.pk"}),
    "programmes:reduce_award": ("staff", {"pk": "programme_award.pk"}),
    "programmes:report": ("member", {"pk": "programme_report.pk"}),
    "programmes:report_review": ("staff", {"pk": "programme_report.pk"}),
    "programmes:follow": ("signed_in", {"slug": "programme_call.slug"}),
    # Any signed-in person; the form offers only their own organizations.
    "programmes:apply": ("signed_in", {"slug": "programme_call.slug"}),
    "newsletters:list": ("anyone", {}),
    "newsletters:confirm": ("anyone", {"token": "newsletter_confirm"}),  # the token in the mail
    "newsletters:preferences": ("anyone", {"token": "newsletter_manage"}),
    "newsletters:unsubscribe": ("anyone", {"token": "newsletter_manage"}),
    "newsletters:campaign_create": ("staff", {}),
    "newsletters:topics": ("staff", {}),
    "newsletters:topic_edit": ("staff", {"pk": "topic.pk"}),
    "newsletters:campaign_edit": ("staff", {"pk": "campaign.pk"}),
    "newsletters:campaign_action": ("staff", {"pk": "campaign.pk", "action": "send_action"}),
    "opendata:statistics_import": ("staff", {}),
    "opendata:statistics_import_confirm": ("staff", {}),
    "opendata:scoring_new": ("staff", {}),
    "opendata:scoring_edit": ("staff", {"slug": "opendata_scoring.slug"}),
    "opendata:scoring_publish": ("staff", {"slug": "opendata_scoring.slug"}),
    "opendata:scoring_delete": ("staff", {"slug": "opendata_scoring.slug"}),
    "opendata:dataset_create": ("staff", {}),
    "opendata:dataset_edit": ("staff", {"slug": "dataset.slug"}),
    "opendata:dataset_publish": ("staff", {"slug": "dataset.slug"}),
    "opendata:dataset_unpublish": ("staff", {"slug": "dataset.slug"}),
    "opendata:dataset_delete": ("staff", {"slug": "dataset.slug"}),
    "opendata:resource_upload": ("staff", {"slug": "dataset.slug"}),
    "opendata:resource_generated": ("staff", {"slug": "dataset.slug"}),
    "opendata:resource_replace": (
        "staff",
        {"slug": "dataset.slug", "pk": "opendata_resource.pk"},
    ),
    "opendata:resource_remove": (
        "staff",
        {"slug": "dataset.slug", "pk": "opendata_resource.pk"},
    ),
}

# What a forbidden cell posts, where an empty form would stop at the form's own validation before
# the rule is asked (a redirect with the form's message proves nothing).
DATA: dict[str, dict[str, str]] = {
    "organizations:change_role": {"role": "owner"},
    "participation:amend": {"text": "<p>덧붙임</p>"},
    "facilities:reject": {"reason": "행사 일정과 겹칩니다."},  # the reason is asked first
}
# Refusals that answer as for a missing object, on purpose: the same message and redirect as for
# a token that does not exist, so nobody learns whose token an id is; nothing is written.
REFUSED_AS_MISSING = {"accounts:revoke_api_token"}

# Routes that take a POST but write nothing a person owns, and why they need no row above.
NOT_WRITES = {
    "catalog:ckan": "CKAN's read actions (GET or POST, as CKAN's clients send them)",
    "catalog:ckan_legacy": "CKAN's read actions",
    "/api/3/action/x/": "CKAN's read actions",
    "/api/3/action": "CKAN's read actions",
    # allauth's social-account pages: no provider is configured by default.
    "/ko/accounts/social/login/cancelled/": "allauth's social pages, a message only",
    "/ko/accounts/social/login/error/": "allauth's social pages, a message only",
    "/ko/accounts/social/signup/": "allauth's redirect to its named route",
    "/ko/accounts/social/connections/": "allauth's redirect to its named route",
}

# API writes: "METHOD /api/v1/template" → (who, path parameters from the world).
API: dict[str, Row] = {
    "POST /api/v1/organizations": ("signed_in", {}),
    "POST /api/v1/organizations/invitations/accept": ("own", {}),  # its invitee only
    "POST /api/v1/organizations/name-changes/{change_id}/approve": (
        "moderation",
        {"change_id": "name_change.pk"},
    ),
    "POST /api/v1/organizations/name-changes/{change_id}/reject": (
        "moderation",
        {"change_id": "name_change.pk"},
    ),
    "PATCH /api/v1/organizations/{slug}": ("member", {"slug": "organization.slug"}),
    "POST /api/v1/organizations/{slug}/logo": ("member", {"slug": "organization.slug"}),
    "PATCH /api/v1/organizations/{slug}/members/{user_id}": (
        "member",
        {"slug": "organization.slug", "user_id": "editor.pk"},
    ),
    "DELETE /api/v1/organizations/{slug}/members/{user_id}": (
        "member",
        {"slug": "organization.slug", "user_id": "editor.pk"},
    ),
    "POST /api/v1/organizations/{slug}/members/{user_id}/transfer": (
        "member",
        {"slug": "organization.slug", "user_id": "editor.pk"},
    ),
    "POST /api/v1/organizations/{slug}/invitations": ("member", {"slug": "organization.slug"}),
    "DELETE /api/v1/organizations/{slug}/invitations/{invitation_id}": (
        "member",
        {"slug": "organization.slug", "invitation_id": "invitation.pk"},
    ),
    "POST /api/v1/designation/applications": ("signed_in", {}),
    "PATCH /api/v1/designation/applications/{pk}": ("member", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/documents": ("member", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/submit": ("member", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/comments": ("member", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/review": ("staff", {"pk": "application.pk"}),
    "PUT /api/v1/designation/applications/{pk}/checklist": ("staff", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/advance": ("staff", {"pk": "application.pk"}),
    "PUT /api/v1/designation/applications/{pk}/scores": ("staff", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/committee-decisions": (
        "staff",
        {"pk": "application.pk"},
    ),
    "POST /api/v1/designation/applications/{pk}/request-changes": (
        "staff",
        {"pk": "application.pk"},
    ),
    "POST /api/v1/designation/applications/{pk}/reject": ("staff", {"pk": "application.pk"}),
    "POST /api/v1/designation/applications/{pk}/approve": ("staff", {"pk": "application.pk"}),
    "POST /api/v1/designation/designations/{number}/suspend": (
        "staff",
        {"number": "designation.number"},
    ),
    "POST /api/v1/designation/designations/{number}/reinstate": (
        "staff",
        {"number": "designation.number"},
    ),
    "POST /api/v1/designation/designations/{number}/revoke": (
        "staff",
        {"number": "designation.number"},
    ),
    "POST /api/v1/designation/reports/{pk}/submit": ("member", {"pk": "designation_report.pk"}),
    "POST /api/v1/designation/reports/{pk}/accept": ("staff", {"pk": "submitted_report.pk"}),
    "POST /api/v1/designation/reports/{pk}/request-changes": (
        "staff",
        {"pk": "submitted_report.pk"},
    ),
    "PATCH /api/v1/directory/listings/{slug}": ("member", {"slug": "organization.slug"}),
    "POST /api/v1/directory/suggestions": ("signed_in", {}),
    "POST /api/v1/events/{event_id}/registration": ("signed_in", {"event_id": "event.pk"}),
    "DELETE /api/v1/events/{event_id}/registration": ("signed_in", {"event_id": "event.pk"}),
    "POST /api/v1/events/{event_id}/registration/accept": (
        "signed_in",
        {"event_id": "event.pk"},
    ),
    "POST /api/v1/events/{event_id}/check-in": ("member", {"event_id": "event.pk"}),
    "POST /api/v1/newsletters/subscribe": ("anyone", {}),
    "POST /api/v1/newsletters/confirm": ("anyone", {}),
    "POST /api/v1/newsletters/unsubscribe": ("anyone", {}),
    "POST /api/v1/newsletters/bounces": ("anyone", {}),  # its shared secret, not a person
    "POST /api/v1/newsletters/campaigns": ("staff", {}),
    "POST /api/v1/newsletters/campaigns/{campaign_id}/send": (
        "staff",
        {"campaign_id": "campaign.pk"},
    ),
    "POST /api/v1/newsletters/campaigns/{campaign_id}/retry": (
        "staff",
        {"campaign_id": "campaign.pk"},
    ),
    "POST /api/v1/newsletters/campaigns/{campaign_id}/test": (
        "staff",
        {"campaign_id": "campaign.pk"},
    ),
    "POST /api/v1/participation/proposals/{proposal_id}/support": (
        "signed_in",
        {"proposal_id": "proposal.pk"},
    ),
    "DELETE /api/v1/participation/proposals/{proposal_id}/support": (
        "signed_in",
        {"proposal_id": "proposal.pk"},
    ),
    "POST /api/v1/participation/proposals/{proposal_id}/comments": (
        "signed_in",
        {"proposal_id": "proposal.pk"},
    ),
    "PATCH /api/v1/participation/comments/{comment_id}": ("own", {"comment_id": "comment.pk"}),
    "POST /api/v1/participation/comments/{comment_id}/report": (
        "signed_in",
        {"comment_id": "comment.pk"},
    ),
    "POST /api/v1/participation/proposals/{proposal_id}/follow": (
        "signed_in",
        {"proposal_id": "proposal.pk"},
    ),
    "DELETE /api/v1/participation/proposals/{proposal_id}/follow": (
        "signed_in",
        {"proposal_id": "proposal.pk"},
    ),
    "POST /api/v1/participation/committees/{slug}/notes": (
        "committee",
        {"slug": "committee.slug"},
    ),
    "POST /api/v1/participation/recommendations/{recommendation_id}/answer": (
        "staff",
        {"recommendation_id": "published_recommendation.pk"},
    ),
    "POST /api/v1/participation/results/{result_id}/updates": (
        "staff",
        {"result_id": "result.pk"},
    ),
    "POST /api/v1/spaces/bookings/{reference}/cancel": (
        "own",
        {"reference": "booking.reference"},
    ),
    "POST /api/v1/spaces/bookings/{reference}/approve": (
        "staff",
        {"reference": "booking.reference"},
    ),
    "POST /api/v1/spaces/bookings/{reference}/reject": (
        "staff",
        {"reference": "booking.reference"},
    ),
    "POST /api/v1/spaces/{slug}/bookings": ("signed_in", {"slug": "space.slug"}),
    "POST /api/v1/spaces/manage/spaces": ("staff", {}),
    "PATCH /api/v1/spaces/manage/spaces/{slug}": ("staff", {"slug": "space.slug"}),
    "PUT /api/v1/spaces/manage/spaces/{slug}/hours": ("staff", {"slug": "space.slug"}),
    "PUT /api/v1/spaces/manage/spaces/{slug}/fees": ("staff", {"slug": "space.slug"}),
    "PUT /api/v1/spaces/manage/spaces/{slug}/refunds": ("staff", {"slug": "space.slug"}),
    "PUT /api/v1/spaces/manage/spaces/{slug}/staff": ("staff", {"slug": "space.slug"}),
    "POST /api/v1/spaces/manage/spaces/{slug}/active": ("staff", {"slug": "space.slug"}),
    "POST /api/v1/spaces/lottery/entries": ("signed_in", {}),
    "POST /api/v1/spaces/lottery/entries/{entry_id}/withdraw": (
        "own",
        {"entry_id": "lottery_entry.pk"},
    ),
    "POST /api/v1/spaces/{slug}/check-in": ("staff", {"slug": "space.slug"}),
    "POST /api/v1/spaces/bookings/{reference}/no-show": (
        "staff",
        {"reference": "ended_booking.reference"},
    ),
    "POST /api/v1/spaces/suspensions/{penalty_id}/appeal": (
        "own",
        {"penalty_id": "penalty.pk"},
    ),
    "POST /api/v1/spaces/waitlist/entries": ("signed_in", {}),
    "POST /api/v1/spaces/waitlist/entries/{entry_id}/leave": (
        "own",
        {"entry_id": "waitlist_entry.pk"},
    ),
    "POST /api/v1/programmes/calls": ("staff", {}),
    "PATCH /api/v1/programmes/calls/{slug}": ("staff", {"slug": "programme_call.slug"}),
    "POST /api/v1/programmes/calls/{slug}/publish": ("staff", {"slug": "programme_call.slug"}),
    "POST /api/v1/programmes/calls/{slug}/applications": (
        "member",
        {"slug": "programme_call.slug"},
    ),
    "PATCH /api/v1/programmes/applications/{application_id}": (
        "member",
        {"application_id": "programme_draft.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/files/{key}": (
        "member",
        {"application_id": "programme_draft.pk", "key": "programme_file_key"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/submit": (
        "member",
        {"application_id": "programme_draft.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/withdraw": (
        "member",
        {"application_id": "programme_in_review.pk"},
    ),
    "POST /api/v1/programmes/reviews/{review_id}/conflict": (
        "reviewer",
        {"review_id": "programme_assignment.pk"},
    ),
    "PUT /api/v1/programmes/reviews/{review_id}/scores": (
        "reviewer",
        {"review_id": "programme_assignment.pk"},
    ),
    "POST /api/v1/programmes/reviews/{review_id}/submit": (
        "reviewer",
        {"review_id": "programme_assignment.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/screening": (
        "staff",
        {"application_id": "programme_in_review.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/screening/undo": (
        "staff",
        {"application_id": "programme_in_review.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/start-review": (
        "staff",
        {"application_id": "programme_in_review.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/to-committee": (
        "staff",
        {"application_id": "programme_in_review.pk"},
    ),
    "POST /api/v1/programmes/applications/{application_id}/reviewers": (
        "staff",
        {"application_id": "programme_in_review.pk"},
    ),
    "DELETE /api/v1/programmes/applications/{application_id}/reviewers/{reviewer_id}": (
        "staff",
        {"application_id": "programme_in_review.pk", "reviewer_id": "programme_reviewer.pk"},
    ),
    "POST /api/v1/programmes/applications/{pk}/committee-vote": (
        "staff",
        {"pk": "programme_committee.pk"},
    ),
    "POST /api/v1/programmes/calls/{slug}/committee-votes": (
        "staff",
        {"slug": "programme_call.slug"},
    ),
    "POST /api/v1/programmes/applications/{pk}/decision": (
        "staff",
        {"pk": "programme_committee.pk"},
    ),
    "POST /api/v1/programmes/reports/{report_id}/submit": (
        "member",
        {"report_id": "programme_report.pk"},
    ),
    "POST /api/v1/programmes/reports/{report_id}/accept": (
        "staff",
        {"report_id": "programme_report.pk"},
    ),
    "POST /api/v1/programmes/reports/{report_id}/request-changes": (
        "staff",
        {"report_id": "programme_report.pk"},
    ),
    "POST /api/v1/search/synonyms": ("staff", {}),
    "PATCH /api/v1/search/synonyms/{group_id}": ("staff", {"group_id": "synonyms.pk"}),
    "DELETE /api/v1/search/synonyms/{group_id}": ("staff", {"group_id": "synonyms.pk"}),
    "POST /api/v1/staff/people/{user_id}/roles": (
        "administrator",
        {"user_id": "role:citizen.pk"},
    ),
    "POST /api/v1/staff/people/{user_id}/two-factor/reset": (
        "administrator",
        {"user_id": "role:citizen.pk"},
    ),
}


class At(str):
    """In a body: the world's value at this path ("proposal.pk"), as for the rows' arguments."""


# What a forbidden cell of the API sends: a body the schema accepts, so the request reaches the
# rule (an empty object is valid for the operations not listed; a 422 would prove nothing).
API_DATA: dict[str, dict[str, Any]] = {
    "PATCH /api/v1/organizations/{slug}/members/{user_id}": {"role": "owner"},
    "POST /api/v1/organizations/invitations/accept": {"token": At("invitation_token")},
    "POST /api/v1/designation/applications/{pk}/comments": {"body": "의견"},
    "PUT /api/v1/designation/applications/{pk}/checklist": {"checklist": {"seoul_based": True}},
    "PUT /api/v1/designation/applications/{pk}/scores": {"scores": {At("criterion.code"): 5}},
    "POST /api/v1/designation/applications/{pk}/committee-decisions": {
        "meeting_on": "2026-03-02",
        "members_present": 11,
        "votes_for": 9,
        "votes_against": 1,
        "votes_abstain": 1,
    },
    "POST /api/v1/designation/reports/{pk}/request-changes": {"reason": "수혜 인원을 적어 주세요."},
    "POST /api/v1/newsletters/campaigns": {
        "subject_ko": "이달의 공유 소식",
        "body_html_ko": "<p>소식</p>",
        "body_text_ko": "소식",
    },
    "PATCH /api/v1/participation/comments/{comment_id}": {"body": "고친 의견"},
    "POST /api/v1/participation/committees/{slug}/notes": {
        "proposal": At("proposal.pk"),
        "text": "검토 메모",
    },
    "POST /api/v1/participation/recommendations/{recommendation_id}/answer": {
        "status": "accepted",
        "reasons": "권고를 수용합니다.",
        "department": "사회혁신담당관",
    },
    "POST /api/v1/participation/results/{result_id}/updates": {"text": "착공", "progress": 10},
    "POST /api/v1/spaces/bookings/{reference}/reject": {"reason": "행사 일정과 겹칩니다."},
    "POST /api/v1/spaces/manage/spaces": {
        "name_ko": "새 다목적실",
        "description_ko": "주민 모임 공간",
        "office_ko": "마포구청 자치행정과",
        "district": At("district.slug"),
        "road_address": "서울특별시 마포구 월드컵로 212",
        "capacity": 20,
    },
    "PUT /api/v1/spaces/manage/spaces/{slug}/hours": {
        "rows": [{"weekday": 0, "opens": "09:00", "closes": "18:00"}]
    },
    "PUT /api/v1/spaces/manage/spaces/{slug}/fees": {
        "rows": [{"day_kind": "weekday", "starts": "09:00", "amount": 10_000}]
    },
    "PUT /api/v1/spaces/manage/spaces/{slug}/refunds": {
        "rows": [{"days_before": 7, "percent": 100}]
    },
    "PUT /api/v1/spaces/manage/spaces/{slug}/staff": {"emails": [At("role:citizen.email")]},
    "POST /api/v1/spaces/manage/spaces/{slug}/active": {"active": False},
    "POST /api/v1/spaces/{slug}/check-in": {"code": At("checkin_code")},
    "POST /api/v1/spaces/suspensions/{penalty_id}/appeal": {"text": "억울합니다."},
    "POST /api/v1/programmes/calls": {
        "title_ko": "2027 공유단체 지원사업",
        "kind": "grant",
        "total_budget": 100_000_000,
        "award_cap": 10_000_000,
        "opens_at": "2027-01-01T09:00:00+09:00",
        "closes_at": "2027-02-01T18:00:00+09:00",
    },
    "POST /api/v1/programmes/calls/{slug}/applications": {
        "organization": At("organization.slug"),
        "track": At("programme_track.pk"),
        "title": "동네 공구도서관",
    },
    "POST /api/v1/programmes/reviews/{review_id}/conflict": {"conflict": False},
    "POST /api/v1/programmes/applications/{application_id}/screening": {"eligible": True},
    "POST /api/v1/programmes/applications/{application_id}/screening/undo": {
        "reason": "서류를 다시 봅니다."
    },
    "POST /api/v1/programmes/applications/{application_id}/reviewers": {
        "reviewers": [At("role:citizen.pk")]
    },
    "POST /api/v1/programmes/applications/{pk}/committee-vote": {
        "meeting_on": "2026-03-02",
        "members_present": 11,
        "votes_for": 9,
        "votes_against": 1,
        "votes_abstain": 1,
    },
    "POST /api/v1/programmes/calls/{slug}/committee-votes": {
        "meeting_on": "2026-03-02",
        "votes": [
            {
                "application": At("programme_committee.pk"),
                "members_present": 11,
                "votes_for": 9,
                "votes_against": 1,
                "votes_abstain": 1,
            }
        ],
    },
    "POST /api/v1/programmes/applications/{pk}/decision": {"outcome": "rejected", "reason": "예산"},
    "POST /api/v1/programmes/reports/{report_id}/submit": {"body": "중간 보고", "spent": 1_000_000},
    "POST /api/v1/programmes/reports/{report_id}/request-changes": {
        "reason": "영수증을 붙여 주세요."
    },
    "POST /api/v1/search/synonyms": {"words": ["공유", "나눔"]},
    "POST /api/v1/staff/people/{user_id}/roles": {
        "role": "moderator",
        "granted": True,
        "reason": "게시물 관리",
    },
    "POST /api/v1/staff/people/{user_id}/two-factor/reset": {"reason": "휴대전화 분실"},
}
# The multipart operations (uploads, form fields): their fields, a (name, kind) pair a file of that
# kind ("pdf" or "png", small and valid) under that name.
API_MULTIPART: dict[str, dict[str, Any]] = {
    "POST /api/v1/organizations/{slug}/logo": {"logo": ("logo.png", "png")},
    "POST /api/v1/designation/applications/{pk}/documents": {"file": ("정관.pdf", "pdf")},
    "POST /api/v1/designation/reports/{pk}/submit": {
        "summary": "나눔 장터 12회",
        "beneficiaries": "300",
    },
    "POST /api/v1/programmes/applications/{application_id}/files/{key}": {
        "file": ("예산.pdf", "pdf")
    },
}

# Operations whose body has required fields no row builds yet: their signed-in forbidden cells
# stop at the schema (422, nothing written) and prove nothing more; only their anonymous cell
# (401 before the body is read) proves the rule. Kept exact by the test, so it only shrinks.
BODY_NOT_BUILT: set[str] = set()

WRITE_METHODS = ("post", "put", "patch", "delete")
# The admin's sign-in and sign-out forms, which anyone may post.
ADMIN_FOR_ANYONE = {"admin:login", "admin:logout"}


def _web_writes() -> dict[str, str]:
    """Route label → sampled path, for every non-API route that may take a POST."""
    return {
        route.label: route.path
        for route in routes()
        if not route.is_api and accepts_post(route.callback)
    }


def _api_writes() -> dict[str, bool]:
    """ "METHOD template" → whether it takes a body, for every write of the OpenAPI document."""
    from sharehub.api import api

    writes = {}
    for template, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if method in WRITE_METHODS:
                writes[f"{method.upper()} {template}"] = "requestBody" in operation
    return writes


def test_every_write_is_classified():
    """A write the matrix does not know fails here: classify it in WEB or API (or, for the admin,
    it is covered by its own test below)."""
    web = {label for label in _web_writes() if not label.startswith(("admin:", "/ko/admin/"))}
    unclassified = sorted(web - set(WEB) - set(NOT_WRITES))
    assert not unclassified, f"writes without a row in WEB: {unclassified}"
    assert not sorted(set(WEB) - web), "rows of WEB that are no write any more"
    api = set(_api_writes())
    assert not sorted(api - set(API)), f"API writes without a row: {sorted(api - set(API))}"
    assert not sorted(set(API) - api), "rows of API that are no write any more"
    assert all(who in WHO for who, _ in [*WEB.values(), *API.values()])


def _world() -> dict[str, Any]:
    """The demo-like hub of the HTML test, the roles and the few more objects the rows point at."""
    from django.contrib.contenttypes.models import ContentType

    from sharehub.accounts.services import create_api_token
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.designation.models import ReviewStage, ScoreCriterion
    from sharehub.directory.models import Category, ListingAddress, Service
    from sharehub.events.models import EventQuestion, Registration
    from sharehub.moderation.models import Report
    from sharehub.news.models import ArticleStatus
    from sharehub.news.tests.factories import ArticleFactory
    from sharehub.newsletters.models import Topic
    from sharehub.notifications.models import Notification
    from sharehub.organizations.models import MemberRole, Membership, NameChangeRequest
    from sharehub.organizations.services import invite_member
    from sharehub.organizations.tests.factories import organization_owned_by
    from sharehub.participation.models import CommitteeRole
    from sharehub.participation.tests.factories import (
        AnswerTemplateFactory,
        CommentFactory,
        RecommendationFactory,
        ResultFactory,
    )
    from sharehub.participation.tests.factories import (
        MembershipFactory as CommitteeMembershipFactory,
    )
    from sharehub.search.models import SynonymGroup

    from .test_html_valid import _hub

    hub = _hub()
    member = hub["owner"]
    other = UserFactory(display_name="다른 단체 대표")
    organization_owned_by(other)
    organization = hub["organization"]
    token, _secret = create_api_token(actor=member, name="matrix")
    world = {
        **hub,
        "role:anonymous": None,
        "role:citizen": UserFactory(display_name="시민"),
        "role:other_member": other,
        "role:member": member,
        "role:staff": hub["staff"],
        "role:moderator": hub["moderator"],
        "editor": Membership.objects.get(organization=organization, role=MemberRole.EDITOR).user,
        "token": token,
        "registration": Registration.objects.filter(event=hub["event"], user=member).get(),
        "notification": Notification.objects.filter(user=member).first(),
        "service": Service.objects.filter(listing__organization=organization).first(),
        "address": ListingAddress.objects.filter(listing__organization=organization).first(),
        "category": Category.objects.first(),
        "report": Report.objects.first(),
        "stage": ReviewStage.objects.first(),
        "criterion": ScoreCriterion.objects.first(),
        "topic": Topic.objects.first(),
        "comment": CommentFactory(proposal=hub["proposal"], author=member),
        "invitation": invite_member(
            actor=member, organization=organization, email="new@example.org"
        ),
        "name_change": NameChangeRequest.objects.create(
            organization=organization, name_ko="새 이름", requested_by=member
        ),
        "question": EventQuestion.objects.create(event=hub["event"], label="식사 여부"),
        "committee": hub["proposal"].area.committee,
        "committee_chair": CommitteeMembershipFactory(
            committee=hub["proposal"].area.committee,
            user=UserFactory(display_name="위원장"),
            role=CommitteeRole.CHAIR,
        ).user,
        "recommendation": RecommendationFactory(
            committee=hub["proposal"].area.committee, state="draft", published_at=None
        ),
        "published_recommendation": RecommendationFactory(committee=hub["proposal"].area.committee),
        "answer_template": AnswerTemplateFactory(),
        "result": ResultFactory(),
        "synonyms": SynonymGroup.objects.create(words=["대여", "빌리기"]),
        "draft_article": ArticleFactory(organization=organization, status=ArticleStatus.DRAFT),
        "dataset": hub["opendata_resource"].dataset,
        "organization_type": ContentType.objects.get_for_model(organization).pk,
        "send_action": "send",
    }
    world.update(_more_objects(world))
    return world


def _more_objects(world: dict[str, Any]) -> dict[str, Any]:
    """The objects of the rows whose address names a booking, an entry, a penalty, a file, a
    report, a decision, a milestone...: each belongs to "member" (or to the staff or committee
    that run it), in the state where the allowed person could act on it."""
    from datetime import timedelta

    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from django.utils import timezone
    from django.utils.http import int_to_base36

    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.designation.models import AnnualReport, ApplicationDocument, ReportStatus
    from sharehub.directory.models import CsvImport, Listing, ListingPhoto
    from sharehub.events.models import EventMaterial, EventSession
    from sharehub.facilities.checkin import checkin_code
    from sharehub.facilities.models import (
        Appeal,
        Booking,
        BookingStatus,
        EntryStatus,
        LotteryEntry,
        LotteryRound,
        Penalty,
        SpacePhoto,
        WaitlistEntry,
        WaitStatus,
    )
    from sharehub.facilities.tests.factories import SpaceFactory
    from sharehub.newsletters import tokens
    from sharehub.organizations.invitations import make_token
    from sharehub.organizations.models import Invitation
    from sharehub.participation.models import CommitteeNote, Milestone, ProposalAttachment
    from sharehub.participation.tests.factories import RecommendationItemFactory
    from sharehub.programmes.models import CallDocument

    hub, member, now = world, world["role:member"], timezone.now()
    staff, space, event = hub["staff"], hub["space"], hub["event"]
    space.staff.add(UserFactory(display_name="다목적실 담당"))  # none of the roles

    def booking(days: float, **fields: Any) -> Booking:
        starts = now + timedelta(days=days)
        fields.setdefault("status", BookingStatus.REQUESTED)
        return Booking.objects.create(
            space=space,
            user=member,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            purpose="meeting",
            purpose_detail="동아리 모임",
            people=5,
            **fields,
        )

    def penalty(**fields: Any) -> Penalty:
        return Penalty.objects.create(
            user=member,
            space=space,
            kind="other",
            reason="소란",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=29),
            created_by=staff,
            **fields,
        )

    lottery_space = SpaceFactory(allocation="lottery", lottery_draw_days=3)
    today = timezone.localdate()
    lottery_round = LotteryRound.objects.create(
        space=lottery_space,
        covers_from=today + timedelta(days=14),
        covers_until=today + timedelta(days=20),
        draws_at=now + timedelta(days=10),
        seed_hash="0" * 64,
    )
    slot = now + timedelta(days=15)
    appealed = penalty()
    Appeal.objects.create(penalty=appealed, text="억울합니다.")
    chair = hub["committee_chair"]
    reports = list(AnnualReport.objects.filter(designation=hub["designation"]).order_by("year"))
    submitted_report = reports[1]
    AnnualReport.objects.filter(pk=submitted_report.pk).update(
        status=ReportStatus.SUBMITTED, summary="나눔 장터 12회", submitted_at=now
    )
    listing = Listing.objects.get(organization=hub["organization"])
    invitee = UserFactory(display_name="초대받은 사람", email="new@example.org")  # verified
    unconfirmed = EmailAddress.objects.create(
        user=hub["role:citizen"], email="second@example.org", verified=False, primary=False
    )
    subscriber = hub["subscriber"]
    return {
        "space_staff": space.staff.get(),
        "booking": booking(3),
        "unpaid_booking": booking(4, status=BookingStatus.CONFIRMED, fee=20_000),
        "ended_booking": booking(-1, status=BookingStatus.CONFIRMED),
        "checkin_code": checkin_code(booking(-0.01, status=BookingStatus.CONFIRMED)),
        "no_show_booking": booking(-2, status=BookingStatus.CONFIRMED, no_show=True),
        "penalty": penalty(),
        "appealed_penalty": appealed,
        "space_photo": SpacePhoto.objects.create(
            space=space, image="facilities/photos/room.png", alt_ko="다목적실"
        ),
        "lottery_space": lottery_space,
        "lottery_entry": LotteryEntry.objects.create(
            round=lottery_round,
            user=member,
            starts_at=slot,
            ends_at=slot + timedelta(hours=2),
            purpose="meeting",
            purpose_detail="독서 모임",
            people=6,
            status=EntryStatus.ENTERED,
        ),
        "waitlist_entry": WaitlistEntry.objects.create(
            space=space,
            user=member,
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=3, hours=2),
            status=WaitStatus.WAITING,
        ),
        "document": ApplicationDocument.objects.filter(application=hub["application"]).first(),
        "designation_report": reports[0],
        "submitted_report": submitted_report,
        "csv_import": CsvImport.objects.create(
            created_by=staff, filename="목록.csv", content="name_ko\n새 단체\n", row_count=1
        ),
        "listing_photo": ListingPhoto.objects.create(
            listing=listing, image="directory/photos/shop.png", alt_ko="가게 앞"
        ),
        "session": EventSession.objects.create(
            event=event, starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1)
        ),
        "material": EventMaterial.objects.create(
            event=event, title="발표 자료", link="https://example.org/slides"
        ),
        "note": CommitteeNote.objects.create(
            committee=hub["committee"], proposal=hub["proposal"], author=chair, text="검토 메모"
        ),
        "decision": RecommendationItemFactory(recommendation=hub["recommendation"]),
        "milestone": Milestone.objects.create(result=hub["result"], title_ko="착공"),
        "attachment": ProposalAttachment.objects.create(
            proposal=hub["proposal"],
            file="participation/plan.pdf",
            title="계획.pdf",
            content_type="application/pdf",
            size=100,
        ),
        "call_document": CallDocument.objects.create(
            call=hub["programme_call"],
            title_ko="공고문",
            file="programmes/call.pdf",
            original_name="공고문.pdf",
            content_type="application/pdf",
            size=100,
        ),
        "programme_award": hub["programme_report"].award.application,
        "programme_track": hub["programme_call"].tracks.get(kind="free"),
        "programme_file_key": "budget_sheet",
        "administrator": give_totp(UserFactory(display_name="관리자", is_superuser=True)),
        "invitee": invitee,
        "invitation_token": make_token(Invitation.objects.get(email=invitee.email)),
        "confirm_key": EmailConfirmationHMAC(unconfirmed).key,
        "reset_uidb36": int_to_base36(member.pk),
        "reset_key": default_token_generator.make_token(member),
        "newsletter_confirm": tokens.confirm_token(subscriber),
        "newsletter_manage": tokens.manage_token(subscriber.pk, subscriber.secret),
    }


def _value(world: dict[str, Any], where: str) -> Any:
    key, *attributes = where.split(".")
    value = world[key]
    for attribute in attributes:
        value = getattr(value, attribute)
    assert value is not None, where
    return value


def _client(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if world[f"role:{role}"] is not None:
        client.force_login(world[f"role:{role}"])
    return client


def _body(world: dict[str, Any], value: Any) -> Any:
    if isinstance(value, At):
        return _value(world, value)
    if isinstance(value, dict):
        return {_body(world, k): _body(world, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_body(world, item) for item in value]
    return value


def _multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields, each (name, kind) pair a new small valid file (a file is read once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sharehub.designation.tests.factories import PDF_BYTES
    from sharehub.organizations.tests.factories import image_bytes

    contents = {"pdf": lambda: PDF_BYTES, "png": lambda: image_bytes("PNG", (20, 20))}
    return {
        name: SimpleUploadedFile(value[0], contents[value[1]]())
        if isinstance(value, tuple)
        else value
        for name, value in fields.items()
    }


_LOGIN = re.compile(r"^/(ko|en)/(accounts/login|admin/login)/")


def _refused(response, api: bool) -> bool:
    if api:
        return response.status_code in (401, 403, 404)
    if response.status_code in (403, 404):
        return True
    return response.status_code in (301, 302, 303) and bool(_LOGIN.match(response["Location"]))


@pytest.mark.django_db
def test_forbidden_cells_are_refused_and_write_nothing():
    world = _world()
    clients = {role: _client(world, role) for role in ROLES}
    problems, cells = [], 0
    stopped_at_schema: set[str] = set()
    with translation.override("ko"):
        web_cells = [
            (name, who, reverse(name, kwargs={k: _value(world, v) for k, v in spec.items()}))
            for name, (who, spec) in WEB.items()
            if spec is not None
        ]
    for name, who, path in web_cells:
        for role in WHO[who]:
            with database_writes() as written:
                response = clients[role].post(path, DATA.get(name, {}))
            cells += 1
            refused = _refused(response, api=False) or (
                name in REFUSED_AS_MISSING and response.status_code == 302
            )
            if not refused or written:
                problems.append(f"{role} POST {name} {path}: {response.status_code} {written}")
    for key, (who, spec) in API.items():
        if spec is None:
            continue
        method, template = key.split(" ", 1)
        values = {name: str(_value(world, where)) for name, where in spec.items()}
        path = re.sub(r"\{(\w+)\}", lambda m, values=values: values[m[1]], template)
        body = json.dumps(_body(world, API_DATA.get(key, {})))
        for role in WHO[who]:
            with database_writes() as written:
                if key in API_MULTIPART:
                    response = clients[role].post(path, _multipart(API_MULTIPART[key]))
                else:
                    response = clients[role].generic(
                        method, path, body, content_type="application/json"
                    )
            cells += 1
            if response.status_code == 422 and not written and role != "anonymous":
                stopped_at_schema.add(key)
                continue
            if not _refused(response, api=True) or written:
                problems.append(f"{role} {method} {path}: {response.status_code} {written}")
    assert stopped_at_schema == BODY_NOT_BUILT, (
        "the operations whose forbidden cells stop at the schema changed: "
        f"new {sorted(stopped_at_schema - BODY_NOT_BUILT)}, "
        f"now proven {sorted(BODY_NOT_BUILT - stopped_at_schema)}"
    )
    assert not problems, f"{len(problems)} of {cells} forbidden cells not refused:\n" + "\n".join(
        problems
    )
    assert cells > 400


@pytest.mark.django_db
def test_the_admin_refuses_every_role_of_the_hub():
    """Django's admin is for is_staff accounts only: every write route of it, as each of the
    hub's roles, sends the person to the admin's sign-in and writes nothing."""
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.organizations.tests.factories import organization_owned_by

    member, other = UserFactory(), UserFactory()
    organization_owned_by(member)
    organization_owned_by(other)
    world = {
        "role:anonymous": None,
        "role:citizen": UserFactory(),
        "role:other_member": other,
        "role:member": member,
        "role:staff": give_totp(UserFactory(is_city_staff=True)),
        "role:moderator": give_totp(UserFactory(is_moderator=True)),
    }
    admin_writes = [
        path
        for label, path in _web_writes().items()
        if label.startswith(("admin:", "/ko/admin/")) and label not in ADMIN_FOR_ANYONE
    ]
    assert len(admin_writes) > 50
    problems = []
    for role in WHO["admin"]:
        client = _client(world, role)
        for path in admin_writes:
            with database_writes() as written:
                response = client.post(path, {})
            if not _refused(response, api=False) or written:
                problems.append(f"{role} {path}: {response.status_code} {written}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_write_detector_sees_an_allowed_write(user, client):
    """The proof of "nothing written" is live: the same detector, around a write the person may
    make, names its table."""
    from sharehub.notifications.tests.factories import NotificationFactory

    NotificationFactory(user=user)
    client.force_login(user)
    with translation.override("ko"):
        path = reverse("notifications:mark_all_read")
    with database_writes() as written:
        client.post(path)
    assert "notifications_notification" in written


# Who acts for an allowed cell, where the row's objects belong to another person than "member".
ACTING = {"anyone": "anonymous", "signed_in": "citizen", "own": "member", "member": "member"}
ACTING_BY_ROW = {
    "events:cancel_registration": "member",
    "organizations:accept_invitation": "invitee",
    "participation:assign_rapporteur": "committee_chair",
    "participation:add_note": "committee_chair",
    "participation:recommendation_create": "committee_chair",
    "participation:recommendation_edit": "committee_chair",
    "participation:recommendation_publish": "committee_chair",
    "participation:recommendation_delete": "committee_chair",
    "programmes:edit": "programme_member",
    "programmes:autosave": "programme_member",
    "programmes:submit": "programme_member",
    "programmes:withdraw": "programme_member",
    "programmes:report": "programme_member",
    "programmes:review_conflict": "programme_reviewer",
    "programmes:review_scores": "programme_reviewer",
}


@pytest.mark.django_db
def test_the_rows_point_at_objects_their_allowed_role_reaches():
    """A row whose arguments named the wrong object would be refused to everyone by a 404 and
    prove nothing. So each row's address is opened (GET, which writes nothing) by a person the row
    allows: never a 404, never sent to sign in (a POST-only route answers 405)."""
    world = _world()
    acting = {
        **ACTING,
        "staff": "staff",
        "moderation": "moderator",
        "reviewer": "staff",
        "committee": "committee_chair",
        "administrator": "administrator",
    }
    problems = []
    with translation.override("ko"):
        for name, (who, spec) in WEB.items():
            if spec is None or not spec:
                continue
            path = reverse(name, kwargs={k: _value(world, v) for k, v in spec.items()})
            role = ACTING_BY_ROW.get(name, acting[who])
            person = world.get(f"role:{role}", world.get(role))
            client = Client()
            if person is not None:
                client.force_login(person)
            response = client.get(path)
            if response.status_code == 404 or (
                response.status_code in (301, 302, 303) and _LOGIN.match(response["Location"])
            ):
                problems.append(f"{role} GET {name} {path}: {response.status_code}")
    assert not problems, "\n".join(problems)


def _forged(token: str) -> str:
    """The token with its signature's last characters changed."""
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.mark.django_db
def test_a_mailed_key_is_the_credential_a_forged_one_is_refused_and_writes_nothing():
    """The rows anyone may post holding a key from a mail (an address to confirm, a password to
    reset, a newsletter subscription, an invitation): their matrix cells are none, so here each
    key, forged, is refused (400/404, or allauth's "bad token" page) to a visitor and to a
    signed-in person and writes nothing; the genuine keys, the same way, do write."""
    from django.contrib.auth.hashers import check_password

    from sharehub.accounts.tests.factories import PASSWORD
    from sharehub.newsletters.models import Subscriber

    world = _world()
    member, subscriber = world["role:member"], world["subscriber"]
    new_password = {"password1": "Qwer!1234zx", "password2": "Qwer!1234zx"}
    genuine = {
        "account_confirm_email": ({"key": world["confirm_key"]}, {}),
        "account_reset_password_from_key": (
            {"uidb36": world["reset_uidb36"], "key": world["reset_key"]},
            new_password,
        ),
        "newsletters:confirm": ({"token": world["newsletter_confirm"]}, {}),
        "newsletters:preferences": (
            {"token": world["newsletter_manage"]},
            {"topics": [world["topic"].pk], "language": "ko"},
        ),
        "newsletters:unsubscribe": ({"token": world["newsletter_manage"]}, {}),
        "organizations:accept_invitation": ({"token": world["invitation_token"]}, {}),
    }
    assert set(genuine) <= set(WEB)
    problems = []
    for name, (kwargs, data) in genuine.items():
        forged = {k: _forged(v) if k in ("key", "token") else v for k, v in kwargs.items()}
        with translation.override("ko"):
            path = reverse(name, kwargs=forged)
        for role in ("anonymous", "citizen"):
            client = _client(world, role)
            with database_writes() as written:
                response = client.post(path, data)
            refused = response.status_code in (400, 404) or (
                response.status_code == 200 and response.context.get("token_fail")
            )
            if not refused or written:
                problems.append(f"{role} POST {name} {path}: {response.status_code} {written}")
    assert not problems, "\n".join(problems)
    member.refresh_from_db()
    assert check_password(PASSWORD, member.password)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED

    # The genuine keys, posted the same way, write: the proof above is no broken address.
    with translation.override("ko"):
        paths = {name: reverse(name, kwargs=kwargs) for name, (kwargs, _data) in genuine.items()}
    visitor = Client()
    with database_writes() as written:
        visitor.post(paths["account_confirm_email"])
    assert "account_emailaddress" in written
    with database_writes() as written:
        visitor.post(paths["newsletters:unsubscribe"])
    assert "newsletters_subscriber" in written
    set_password = visitor.get(paths["account_reset_password_from_key"])["Location"]
    with database_writes() as written:
        visitor.post(set_password, new_password)
    assert "accounts_user" in written
