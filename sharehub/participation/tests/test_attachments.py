"""Attachments on proposals: uploaded with the proposal form by its author (at most five, each
checked like every upload of the hub), listed on the proposal's page, served by a checked view
only to those who may see the proposal, changed only while the proposal may be edited in place,
and in the author's data export; their files go with their rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.moderation.models import ModerationStatus
from sharehub.participation import services
from sharehub.participation.attachments import MAX_ATTACHMENTS
from sharehub.participation.models import Proposal, ProposalAttachment, ProposalState
from sharehub.participation.privacy_data import erase_participation, export_participation
from sharehub.participation.services import attachments as attachment_services

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def pdf(name: str = "공유 정책 자료.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "지도.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def attach(proposal, *uploads):
    return attachment_services.change_attachments(
        actor=proposal.author, proposal=proposal, uploads=list(uploads)
    )


def draft(area, author, **fields):
    return ProposalFactory(
        area=area, author=author, state=ProposalState.DRAFT, moderation_status="", **fields
    )


def stored(attachment) -> Path:
    return Path(attachment.file.path)


# --- the service ---------------------------------------------------------------------------


def test_the_author_attaches_checked_files_stored_privately(proposal, settings):
    first, second = attach(proposal, pdf(), png())
    assert (first.title, first.content_type, first.size) == (
        "공유 정책 자료.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert second.content_type == "image/png"
    path = stored(first)
    assert path.read_bytes() == PDF_BYTES
    assert str(Path(settings.MEDIA_ROOT).resolve()) not in str(path.resolve())  # never public
    assert "공유" not in first.file.name  # a random stored name; the client's is the title
    with pytest.raises(ValueError):
        _ = first.file.url  # private storage has no public address


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("script.exe", b"MZ\x90\x00", content_type="application/pdf"), None),
        (pdf(content=b"<html>not a pdf</html>"), "content_mismatch"),
        (pdf(content=b""), "empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(proposal, upload, code):
    with pytest.raises(ValidationError) as refused:
        attach(proposal, pdf("good.pdf"), upload)
    errors = refused.value.error_dict["attachments"]
    if code:
        assert errors[0].code == code
    assert not ProposalAttachment.objects.exists()  # all or nothing


def test_too_large_files_are_refused(proposal, monkeypatch):
    monkeypatch.setattr("sharehub.participation.attachments.MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(ValidationError) as refused:
        attach(proposal, pdf())
    assert refused.value.error_dict["attachments"][0].code == "too_large"


def test_at_most_five_files(proposal):
    attach(proposal, *[pdf(f"{n}.pdf") for n in range(MAX_ATTACHMENTS - 1)])
    with pytest.raises(ValidationError) as refused:
        attach(proposal, pdf("a.pdf"), pdf("b.pdf"))
    assert refused.value.error_dict["attachments"][0].code == "too_many"
    attach(proposal, pdf("last.pdf"))
    assert proposal.attachments.count() == MAX_ATTACHMENTS
    # removing one makes room in the same change
    first = proposal.attachments.first()
    attachment_services.change_attachments(
        actor=proposal.author, proposal=proposal, uploads=[pdf("new.pdf")], remove=[first]
    )
    assert proposal.attachments.count() == MAX_ATTACHMENTS
    assert not proposal.attachments.filter(pk=first.pk).exists()


def test_only_the_author_changes_the_attachments(proposal):
    (attachment,) = attach(proposal, pdf())
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        attachment_services.change_attachments(actor=other, proposal=proposal, uploads=[pdf()])
    with pytest.raises(PermissionDenied):
        attachment_services.remove_attachment(actor=other, attachment=attachment)
    # another proposal's file cannot be removed through this one
    mine = ProposalFactory(author=proposal.author, area=proposal.area)
    with pytest.raises(PermissionDenied):
        attachment_services.change_attachments(
            actor=proposal.author, proposal=mine, remove=[attachment]
        )
    assert ProposalAttachment.objects.filter(pk=attachment.pk).exists()


def test_attachments_are_fixed_once_the_proposal_has_supports(proposal, people):
    (attachment,) = attach(proposal, pdf())
    services.support_proposal(actor=people[0], proposal=proposal)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        attach(proposal, pdf())
    assert refused.value.error_dict["attachments"][0].code == "closed"
    with pytest.raises(ValidationError):
        attachment_services.remove_attachment(actor=proposal.author, attachment=attachment)
    assert proposal.attachments.count() == 1


def test_a_removed_files_bytes_go_after_the_commit(proposal, django_capture_on_commit_callbacks):
    (attachment,) = attach(proposal, pdf())
    path = stored(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_services.remove_attachment(actor=proposal.author, attachment=attachment)
    assert not ProposalAttachment.objects.exists() and not path.exists()


def test_a_deleted_drafts_files_go_too(area, author, django_capture_on_commit_callbacks):
    proposal = draft(area, author)
    (attachment,) = attach(proposal, pdf())
    path = stored(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_draft(actor=author, proposal=proposal)
    assert not path.exists()


# --- the pages -----------------------------------------------------------------------------


def test_the_form_uploads_files_with_a_new_draft(client, area, author):
    client.force_login(author)
    response = client.post(
        "/ko/participate/new/",
        {
            "title": "공유 주차장 확대",
            "area": area.pk,
            "body": "<p>주차장을 나눠 씁시다.</p>",
            "language": "ko",
            "attachments": [pdf(), png()],
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="공유 주차장 확대")
    assert sorted(proposal.attachments.values_list("title", flat=True)) == [
        "공유 정책 자료.pdf",
        "지도.png",
    ]
    html = client.get(proposal.get_absolute_url()).content.decode()
    for attachment in proposal.attachments.all():
        assert f"/ko/participate/files/{attachment.pk}/" in html
    assert "첨부 파일" in html or "Attachments" in html


def test_a_refused_file_keeps_the_draft_and_shows_the_error(client, area, author):
    client.force_login(author)
    response = client.post(
        "/ko/participate/new/",
        {
            "title": "공유 주차장 확대",
            "area": area.pk,
            "body": "<p>주차장을 나눠 씁시다.</p>",
            "language": "ko",
            "attachments": [pdf(content=b"not a pdf")],
        },
    )
    assert response.status_code == 422
    proposal = Proposal.objects.get(title="공유 주차장 확대")
    assert not proposal.attachments.exists()
    html = response.content.decode()
    assert f'action="/ko/participate/{proposal.pk}/edit/"' in html  # the next post edits it


def test_the_edit_form_adds_and_removes_files(client, area, author):
    proposal = draft(area, author)
    (old,) = attach(proposal, pdf("old.pdf"))
    client.force_login(author)
    page = client.get(f"/ko/participate/{proposal.pk}/edit/").content.decode()
    assert 'enctype="multipart/form-data"' in page and "old.pdf" in page
    response = client.post(
        f"/ko/participate/{proposal.pk}/edit/",
        {
            "title": proposal.title,
            "area": area.pk,
            "body": proposal.body,
            "language": "ko",
            "attachments": [pdf("new.pdf")],
            "remove_attachments": [old.pk],
        },
    )
    assert response.status_code == 302
    assert list(proposal.attachments.values_list("title", flat=True)) == ["new.pdf"]


def test_the_remove_button_is_the_authors(client, proposal):
    (attachment,) = attach(proposal, pdf())
    url = f"/ko/participate/files/{attachment.pk}/remove/"
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    client.force_login(proposal.author)
    assert "/remove/" in client.get(proposal.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 302
    assert not ProposalAttachment.objects.exists()


def test_a_public_proposals_file_is_downloaded_by_anyone(client, proposal):
    (attachment,) = attach(proposal, pdf())
    response = client.get(f"/ko/participate/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def _download(client, attachment, who=None):
    client.logout()
    if who is not None:
        client.force_login(who)
    return client.get(f"/ko/participate/files/{attachment.pk}/").status_code


def test_a_drafts_files_are_its_authors_only(client, area, author):
    proposal = draft(area, author)
    (attachment,) = attach(proposal, pdf())
    staff = give_totp(UserFactory(is_city_staff=True))  # staff roles need a second factor
    moderator = give_totp(UserFactory(is_moderator=True))
    assert _download(client, attachment) == 404  # anonymous
    assert _download(client, attachment, UserFactory()) == 404
    assert _download(client, attachment, moderator) == 404  # drafts are nobody else's business
    assert _download(client, attachment, staff) == 404
    assert _download(client, attachment, author) == 200
    # nor is the proposal's page showing them to anyone else
    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (ProposalState.COLLECTING, ModerationStatus.HIDDEN),
        (ProposalState.SUBMITTED, ModerationStatus.PENDING),
        (ProposalState.SUBMITTED, ModerationStatus.REJECTED),
    ],
)
def test_a_hidden_or_unpublished_proposals_files(client, area, author, state, status):
    proposal = ProposalFactory(area=area, author=author, state=ProposalState.COLLECTING)
    (attachment,) = attach(proposal, pdf())
    Proposal.objects.filter(pk=proposal.pk).update(state=state, moderation_status=status)
    assert _download(client, attachment) == 404  # anonymous
    assert _download(client, attachment, UserFactory()) == 404
    assert _download(client, attachment, give_totp(UserFactory(is_moderator=True))) == 200
    assert _download(client, attachment, give_totp(UserFactory(is_city_staff=True))) == 200
    assert _download(client, attachment, author) == 200


def test_a_missing_file_is_404(client):
    assert client.get("/ko/participate/files/999999/").status_code == 404


def test_files_are_not_under_the_public_media(client, proposal):
    (attachment,) = attach(proposal, pdf())
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


# --- privacy -------------------------------------------------------------------------------


def test_the_export_lists_the_authors_files_and_erasure_deletes_drafts_files(
    area, author, django_capture_on_commit_callbacks
):
    public = ProposalFactory(area=area, author=author)
    attach(public, pdf("public.pdf"))
    mine = draft(area, author)
    (private,) = attach(mine, pdf("draft.pdf"))
    exported = export_participation(author)
    files = {p["id"]: [a["title"] for a in p["attachments"]] for p in exported["proposals"]}
    assert files == {public.pk: ["public.pdf"], mine.pk: ["draft.pdf"]}
    assert exported["proposals"][0]["attachments"][0]["size"] == len(PDF_BYTES)
    path = stored(private)
    with django_capture_on_commit_callbacks(execute=True):
        erase_participation(author)
    assert not path.exists() and not ProposalAttachment.objects.filter(pk=private.pk).exists()
    # a public contribution stays, with its files, without its author
    assert public.attachments.count() == 1
