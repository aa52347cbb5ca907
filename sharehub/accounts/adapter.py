from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from sharehub.core.i18n import hub_name
from sharehub.notifications.mail import queue_message


class AccountAdapter(DefaultAccountAdapter):
    """Account mail goes through the outbox and the worker, never inline in the request."""

    def format_email_subject(self, subject: str) -> str:
        return f"[{hub_name()}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            ctx = {"email": email, "hub_name": hub_name()}
            ctx.update(context)
            message = self.render_mail(template_prefix, email, ctx)
        queue_message(message, kind=template_prefix.rsplit("/", 1)[-1])
