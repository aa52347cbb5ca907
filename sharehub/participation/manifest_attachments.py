"""The attachments part's registrations: a deleted attachment's file goes after the commit."""

from django.db.models.signals import post_delete

from .models import ProposalAttachment
from .services.attachments import delete_file_after_commit

post_delete.connect(
    delete_file_after_commit,
    sender=ProposalAttachment,
    dispatch_uid="participation.attachment_file",
)
