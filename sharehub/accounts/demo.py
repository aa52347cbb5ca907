"""Demo data of accounts: one account per role, signed in with core.demo.DEMO_PASSWORD."""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress

from sharehub.core.demo import DEMO_PASSWORD, DemoRun

from .models import User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: str
    flags: dict = field(default_factory=dict)


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin@sharehub.example",
        "관리자",
        "administrator",
        {"is_superuser": True, "is_staff": True, "is_city_staff": True},
    ),
    DemoAccount("staff@sharehub.example", "서울시 공유담당", "city staff", {"is_city_staff": True}),
    DemoAccount("moderator@sharehub.example", "게시물 관리자", "moderator", {"is_moderator": True}),
    DemoAccount("citizen@sharehub.example", "김시민", "citizen"),
    DemoAccount(
        "member@sharehub.example", "열린옷장 활동가", "organization owner (열린옷장 / Open Closet)"
    ),
]


def _ensure_user(account: DemoAccount) -> tuple[User, bool]:
    user = User.objects.filter(email=account.email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=account.email,
        password=DEMO_PASSWORD,
        display_name=account.display_name,
        **account.flags,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, True


def load_demo_accounts(run: DemoRun) -> int:
    """Create the missing demo accounts and hand all of them to the later loaders."""
    created = 0
    for account in DEMO_ACCOUNTS:
        run.accounts[account.email], is_new = _ensure_user(account)
        created += is_new
    return created
