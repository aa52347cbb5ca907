from __future__ import annotations

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from sharehub.accounts.models import User

PASSWORD = "correct-horse-battery-9"
# The sign-up form's required checkboxes (accounts.consents.SIGNUP_CONSENTS), for tests that sign
# up through the form; the optional newsletter consent is left unchecked.
REQUIRED_CONSENTS = {"consent_age": "on", "consent_terms": "on", "consent_privacy": "on"}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"사람 {n}")
    preferred_language = "ko"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def give_totp(user: User) -> User:
    """Activate TOTP for a privileged user, as the middleware demands; the secret is on user.totp_secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret = secret
    return user


def current_totp_code(secret: str) -> str:
    """The authenticator app's code now: the current period's, accepted until the period after it
    ends (the oldest period allauth still accepts expires within seconds on a slow machine)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
