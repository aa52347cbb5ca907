"""Signals accounts sends, for the apps above it to connect in their manifests (DESIGN §3)."""

from django.dispatch import Signal

# A person gave (given=True) or withdrew (given=False) a consent: sent inside the transaction that
# records it, with `user` and `kind` (models.Consent.Kind). The newsletter consent is the one an
# app above would act on (newsletters may subscribe the account's verified address).
consent_changed = Signal()
