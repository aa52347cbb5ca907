from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

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
