from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Everyone is a citizen; city staff, moderators and administrators are flags,
    read only through `roles` (which says what each role means).

    Organization membership is a relation (organizations.Membership); committee roles come later.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    home_district = models.ForeignKey(
        "places.District",
        verbose_name=_("home district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("administration site access"),
        default=False,
        help_text=_("May open the administration site."),
    )
    is_city_staff = models.BooleanField(_("city staff"), default=False)
    is_moderator = models.BooleanField(_("moderator"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # Changed to end every open session of the person (an administrator's 2FA reset): it is part
    # of the session hash, as the password is. Empty for most: their sessions hash as Django's.
    session_stamp = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.deleted_at:
            return str(_("Former member"))
        return self.display_name or self.email.split("@")[0]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        if not self.session_stamp:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "sharehub.accounts.User.session_stamp",
            f"{self.password}:{self.session_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def save(self, *args, **kwargs) -> None:
        """A change of role (wherever it is made: admin, shell, demo) revokes the user's API tokens.

        A token was issued to the person in the role they had; a new role asks for a new token
        (and, for a privileged role, two-factor authentication first). Queryset .update() bypasses this.
        """
        update_fields = kwargs.get("update_fields")
        roles_saved = update_fields is None or bool(set(update_fields) & set(ROLE_FIELDS))
        if self._state.adding or self.pk is None or not roles_saved:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or self._state.db
        with transaction.atomic(using=using):
            before = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk)
                .values(*ROLE_FIELDS)
                .first()
            )
            super().save(*args, **kwargs)
            if before is not None and any(
                before[name] != getattr(self, name) for name in ROLE_FIELDS
            ):
                live = ApiToken.objects.using(using).filter(user=self, revoked_at__isnull=True)
                live.update(revoked_at=timezone.now())


# The flags that make a role; changing any of them revokes the user's API tokens (User.save).
ROLE_FIELDS = ("is_city_staff", "is_moderator", "is_staff", "is_superuser")


class Consent(models.Model):
    """One consent given by a person: which, to which version, when and from which address
    (DESIGN §4, privacy). The kinds asked at sign-up and their current versions are defined in
    `consents.py`; an optional consent withdrawn keeps its row with `withdrawn_at`, so the history
    stays, and may be given again."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of use")
        PRIVACY = "privacy", _("Collection and use of personal information")
        AGE = "age", _("Being 14 or older")
        NEWSLETTER = "newsletter", _("News and notices by e-mail")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.CharField(_("version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "version"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_in_force_once_per_version",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once at creation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
