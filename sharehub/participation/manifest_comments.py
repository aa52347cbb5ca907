"""participation: comments's registrations with the kernel (imported by manifest.py)."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sharehub.core.me_panels import register_me_panel
from sharehub.moderation.registry import register_moderated
from sharehub.moderation.signals import moderation_changed
from sharehub.notifications.kinds import register_kind

from .models import Comment
from .selectors.comments import follows_of
from .services.comments import COMMENT_KIND, on_comment_moderation_changed

# Comments are published at once; reports and the moderation queue cover them (post-moderation).
register_moderated(Comment)
moderation_changed.connect(
    on_comment_moderation_changed, dispatch_uid="participation.comment_counts"
)
register_kind(
    COMMENT_KIND,
    _("Comments on proposals you wrote or follow, and replies to your comments"),
    email_default=False,
)


def _followed_panel(request: HttpRequest) -> dict | None:
    follows = list(follows_of(user=request.user)[:10])
    return {"follows": follows} if follows else None


register_me_panel(
    "participation.follows",
    template="participation/comments/me_follows.html",
    context=_followed_panel,
    order=60,
)
