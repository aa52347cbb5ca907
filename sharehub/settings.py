"""ShareHub settings: one module, configured from the environment.

Everything a city changes (names, languages, time zone, database, mail, cache) is an
environment variable with a sensible default for the embedded single-machine install.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHAREHUB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def shared_secret(path: Path) -> str:
    """The secret kept in `path`, made on first use. Several workers may start at once on a
    fresh install: each writes a whole key to a file of its own and links it into place, so
    nobody ever reads a half-written file and every worker ends up with the first key linked.
    Where the filesystem has no hard links, the first to create `path` writes it and the
    others wait until it is whole."""
    if not path.exists():
        key = secrets.token_urlsafe(50)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
        _write_new(draft, key)
        try:
            os.link(draft, path)  # atomic, and fails if another worker linked its key first
        except FileExistsError:
            pass
        except OSError:  # no hard links here (FAT, some network or FUSE mounts)
            with contextlib.suppress(FileExistsError):
                _write_new(path, key)
        finally:
            draft.unlink()
    # Only the fallback's file can be seen before its key is in it, for a moment.
    for _ in range(100):
        if key := path.read_text().strip():
            return key
        time.sleep(0.02)
    return ""  # Django refuses an empty SECRET_KEY with its own error


def _write_new(path: Path, text: str) -> None:
    """Create `path` (failing if it exists), readable by its owner only from the start, and
    write `text` to disk before closing: a key never outlives a crash half-written."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def _secret_key() -> str:
    """Read the key from the environment, or keep a generated one in var/ for the embedded install."""
    if key := os.environ.get("SHAREHUB_SECRET_KEY"):
        return key
    return shared_secret(VAR_DIR / "secret_key")


# Under pytest a few defaults change (inline tasks, plain HTTP, static files without a manifest);
# every one of them can still be set from the environment.
TESTING = "pytest" in sys.modules
DEBUG = env_bool("SHAREHUB_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SHAREHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SHAREHUB_CSRF_TRUSTED_ORIGINS", "")

# --- The city: configuration, not code -------------------------------------------------
SHAREHUB_CITY = {
    "name_ko": os.environ.get("SHAREHUB_CITY_NAME_KO", "서울특별시"),
    "name_en": os.environ.get("SHAREHUB_CITY_NAME_EN", "Seoul Metropolitan Government"),
    "hub_name_ko": os.environ.get("SHAREHUB_HUB_NAME_KO", "공유허브"),
    "hub_name_en": os.environ.get("SHAREHUB_HUB_NAME_EN", "ShareHub"),
    "contact_email": os.environ.get("SHAREHUB_CONTACT_EMAIL", "sharehub@example.org"),
    "contact_phone": os.environ.get("SHAREHUB_CONTACT_PHONE", "02-120"),
    "logo": os.environ.get("SHAREHUB_LOGO", "core/img/logo.svg"),
    # Where the map opens before districts are loaded; the district layer then fits itself.
    "map_center": [float(x) for x in env_list("SHAREHUB_MAP_CENTER", "37.5665,126.9780")],
    "map_zoom": int(os.environ.get("SHAREHUB_MAP_ZOOM", "11")),
}
# A tile layer is drawn only when a city configures one (a closed network has none).
SHAREHUB_TILE_URL = os.environ.get("SHAREHUB_TILE_URL", "")
SHAREHUB_TILE_ATTRIBUTION = os.environ.get("SHAREHUB_TILE_ATTRIBUTION", "")
SHAREHUB_TERMS_VERSION = os.environ.get("SHAREHUB_TERMS_VERSION", "2026-11")
# Absolute address of the hub, for links in e-mails.
SHAREHUB_SITE_URL = os.environ.get("SHAREHUB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The 360Giving identifier prefix of the city's grant data (registered with 360Giving when the
# city publishes there; programmes/giving360.py).
SHAREHUB_360GIVING_PREFIX = os.environ.get("SHAREHUB_360GIVING_PREFIX", "360G-sharehub")
SHAREHUB_SERVE_MEDIA = env_bool("SHAREHUB_SERVE_MEDIA", True)
SHAREHUB_INVITATION_DAYS = int(os.environ.get("SHAREHUB_INVITATION_DAYS", "14"))
# Where a vulnerability in this hub is reported (/.well-known/security.txt, RFC 9116; SECURITY.md):
# a mailto: or https: address, else the hub's contact e-mail; a page with the city's disclosure policy.
SHAREHUB_SECURITY_CONTACT = os.environ.get("SHAREHUB_SECURITY_CONTACT", "")
SHAREHUB_SECURITY_POLICY_URL = os.environ.get("SHAREHUB_SECURITY_POLICY_URL", "")

# --- Applications ----------------------------------------------------------------------
INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Before allauth, so that their templates override allauth's layout.
    "sharehub.core",
    "sharehub.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Kakao and Naver sign-in: installed always, offered only when the city sets their keys
    # (SOCIALACCOUNT_PROVIDERS below; docs/accounts-social-login.md).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "ninja",
    "django_tasks_db",
    "sharehub.places",
    "sharehub.notifications",
    "sharehub.moderation",
    "sharehub.organizations",
    "sharehub.directory",
    "sharehub.designation",
    "sharehub.participation",
    "sharehub.facilities",
    "sharehub.programmes",
    "sharehub.search",
    "sharehub.events",
    "sharehub.news",
    "sharehub.newsletters",
    # Open data reads every app above: indicators, the scoreboard, the catalogue.
    "sharehub.opendata",
    # The top layer: composes the apps above into the home page, district pages, /me API, demo.
    "sharehub.portal",
]

MIDDLEWARE = [
    "sharehub.core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sharehub.accounts.middleware.RequireMFAForPrivilegedMiddleware",
    "sharehub.accounts.middleware.PrivatePagesNoStoreMiddleware",
    "sharehub.core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "sharehub.urls"
WSGI_APPLICATION = "sharehub.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

# Django's built-in widget templates drawn by Jinja2 (sharehub.core.renderers: the filter forms'
# selects were the largest part of the list pages' server time).
FORM_RENDERER = "sharehub.core.renderers.HubFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sharehub.core.context_processors.hub",
                "sharehub.portal.context_processors.site",
            ],
            # {% url %} with its answers remembered (core/templatetags/url_memo.py).
            "builtins": ["sharehub.core.templatetags.url_memo"],
        },
    },
]

# --- Database --------------------------------------------------------------------------
# Each web thread keeps its connection between requests (checked before reuse): opening one cost
# more than serving a kept page (SQLite's PRAGMAs, PostgreSQL's handshake), issue 18.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sharehub.sqlite3'}"),
        conn_max_age=int(os.environ.get("SHAREHUB_CONN_MAX_AGE", "300")),
        conn_health_checks=True,
    )
}
# The hub's backends: Django's own, their writes tracked for the kept pages (core.pagecache).
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "sharehub.core.db.sqlite3",
    "django.db.backends.postgresql": "sharehub.core.db.postgresql",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"] == "sharehub.core.db.sqlite3":
    # IMMEDIATE write transactions serialise writers up front (DESIGN §4), WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Read replicas (production profile, docs/deploying.md): anonymous reads of the views in
# REPLICA_READ_VIEWS go to one of them, everything else stays on the primary
# (sharehub.core.routers says which reads and why). Replicas are never migrated; in tests they
# mirror the primary.
for _n, _url in enumerate(env_list("SHAREHUB_DATABASE_REPLICA_URLS", ""), start=1):
    DATABASES[f"replica{_n}"] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=int(os.environ.get("SHAREHUB_CONN_MAX_AGE", "300")),
            conn_health_checks=True,
        ),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "TEST": {"MIRROR": "default"},
    }
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["sharehub.core.routers.ReplicaRouter"]
    MIDDLEWARE.append("sharehub.core.routers.ReplicaReadsMiddleware")
# Views whose anonymous GETs may read a replica a moment behind the primary: API lists, feeds and
# CSV exports, read by harvesters and calendars. No kept page (PAGE_CACHE_VIEWS) and nothing that
# caches under the primary's versions (opendata's indicators, CKAN) is here.
REPLICA_READ_VIEWS = env_list(
    "SHAREHUB_REPLICA_READ_VIEWS",
    "api:list_events,api:list_listings,api:list_organizations,api:list_articles,"
    "api:list_spaces,api:list_designations,news:rss,news:atom,news:tag_rss,news:tag_atom,"
    "events:feed,events:city_feed,events:organizer_feed,directory:export,"
    "designation:register_csv,catalog:jsonld,catalog:ttl,sitemap",
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every process (rate limits must hold across gunicorn workers) ----
# "pages" keeps whole public pages for anonymous visitors and the pages' kept fragments and search
# answers, "values" what every signed-in page computes for its person (sharehub.core.pagecache):
# each process its own in memory on the embedded install, shared in Redis where there is one.
# Either is safe: a kept page is checked against the database's versions before it is served.
# Apart, so that many people's small values never push the pages out (a full LocMemCache culls a
# third of its entries).
CACHES: dict[str, dict[str, object]]
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "sharehub.core.cache.RedisCache",
            "LOCATION": redis_url,
        },
        "pages": {
            "BACKEND": "sharehub.core.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "pages",
        },
        "values": {
            "BACKEND": "sharehub.core.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "values",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sharehub_cache",
            # Django's 300 would cull a third of the rows in a rush of 1,000 people, rate limits'
            # counts with them; a cull drops the expired rows first.
            "OPTIONS": {"MAX_ENTRIES": 50000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sharehub-pages",
            # A kept page is 10-60 kB: at most about 60 MB a process.
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SHAREHUB_PAGE_CACHE_ENTRIES", "1000"))},
        },
        "values": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sharehub-values",
            # A few hundred bytes each: two or three for each person signed in lately.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }
# Sessions: with Redis, read from the cache and written through to the database, so a Redis
# restart or eviction signs nobody out; without it, Django's database store read by one plain
# statement (sharehub.accounts.sessions).
SESSION_ENGINE = os.environ.get(
    "SHAREHUB_SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("REDIS_URL")
    else "sharehub.accounts.sessions",
)
# How long a kept page lives at most: what changes by the clock alone (an event starting) is late
# by at most this much; a write to what a page shows ends it at once. 0 turns the cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("SHAREHUB_PAGE_CACHE_SECONDS", "60"))
# The public pages kept for anonymous visitors (URL names).
PAGE_CACHE_VIEWS = [
    "core:home",
    "directory:list",
    "directory:map",
    "directory:detail",
    "organizations:list",
    "organizations:detail",
    "places:list",
    "places:detail",
    "events:list",
    "events:calendar",
    "events:detail",
    "news:list",
    "news:detail",
    "participation:list",
    "participation:committees",
    "participation:committee",
    "participation:detail",
    "facilities:list",
    "facilities:detail",
    "programmes:list",
    "programmes:call",
    "opendata:dashboard",
    "opendata:indicators",
    "opendata:indicator",
    "opendata:datasets",
    "opendata:dataset",
    # The same words are searched again and again (a festival's name, "공구"); a kept answer is
    # checked against the index's, the synonyms' and the districts' versions like any page.
    "search:results",
]

# --- Background tasks ------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "SHAREHUB_TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# The RQ queue (django-tasks-rq, SHAREHUB_TASKS_BACKEND=django_tasks_rq.RQBackend): its own Redis
# where the cache's may evict keys (SHAREHUB_RQ_URL), else the cache's (REDIS_URL). Workers run
# `manage.py rqworker default --job-class django_tasks_rq.Job`.
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("SHAREHUB_RQ_URL") or os.environ.get("REDIS_URL", ""),
            "DEFAULT_TIMEOUT": int(os.environ.get("SHAREHUB_RQ_TIMEOUT", "900")),
        }
    }

# --- Accounts (django-allauth) ---------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's model backend, whose `has_perm` answers the hub's roles first.
    "sharehub.accounts.backends.RolePermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "sharehub.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "sharehub.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # "key" is the account *and* the address (accounts.adapter): a stranger's failures never lock
    # the owner out elsewhere; "ip" caps one address's failures over all accounts.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
}
# Changes to an account (password, e-mail address, two-factor) are mailed to its owner.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Sign-in with Kakao and Naver, each on when its client id is set; new people always pass through
# the sign-up form (AUTO_SIGNUP off) so they give the consents and confirm their age.
SOCIALACCOUNT_ADAPTER = "sharehub.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    provider: {
        "APPS": [
            {
                "client_id": client_id,
                "secret": os.environ.get(f"SHAREHUB_{provider.upper()}_SECRET", ""),
            }
        ]
    }
    for provider in ("kakao", "naver")
    if (client_id := os.environ.get(f"SHAREHUB_{provider.upper()}_CLIENT_ID", ""))
}
# Where the sign-in forms of the providers switched on send the browser (CSP form-action).
SOCIAL_LOGIN_ORIGINS = [
    {"kakao": "https://kauth.kakao.com", "naver": "https://nid.naver.com"}[provider]
    for provider in SOCIALACCOUNT_PROVIDERS
]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SHAREHUB_CITY["hub_name_en"]
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Mail: every message is stored in the outbox and sent by the worker ---------------
DEFAULT_FROM_EMAIL = os.environ.get("SHAREHUB_FROM_EMAIL", "ShareHub <noreply@sharehub.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if smtp_host := os.environ.get("SHAREHUB_SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": smtp_host,
                "port": int(os.environ.get("SHAREHUB_SMTP_PORT", "587")),
                "username": os.environ.get("SHAREHUB_SMTP_USER", ""),
                "password": os.environ.get("SHAREHUB_SMTP_PASSWORD", ""),
                "use_tls": env_bool("SHAREHUB_SMTP_TLS", True),
                "timeout": 30,
            },
        }
    }
else:
    # No SMTP server configured: mail stays in the outbox (staff see its status, never its body).
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
# Demo only (`make run` turns it on): each browser reads the mail it asked for at /{lang}/notifications/demo-mailbox/.
# Never in production: whoever types an address there reads that address's sign-up or reset mail.
SHAREHUB_DEMO_MAILBOX = env_bool("SHAREHUB_DEMO_MAILBOX", False)

# --- Newsletters (sharehub/newsletters/conf.py reads these) -----------------------------
SHAREHUB_NEWSLETTER_RATE = float(
    os.environ.get("SHAREHUB_NEWSLETTER_RATE", "20")
)  # messages/s per worker; 0 = no limit
SHAREHUB_NEWSLETTER_BATCH_SIZE = int(os.environ.get("SHAREHUB_NEWSLETTER_BATCH_SIZE", "200"))
SHAREHUB_NEWSLETTER_LEASE_SECONDS = int(os.environ.get("SHAREHUB_NEWSLETTER_LEASE_SECONDS", "600"))
SHAREHUB_NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("SHAREHUB_NEWSLETTER_MAX_ATTEMPTS", "4"))
SHAREHUB_NEWSLETTER_CONFIRM_MAX_AGE = int(
    os.environ.get("SHAREHUB_NEWSLETTER_CONFIRM_MAX_AGE", str(3 * 86400))
)
SHAREHUB_NEWSLETTER_BOUNCE_SECRET = os.environ.get(
    "SHAREHUB_NEWSLETTER_BOUNCE_SECRET", ""
)  # empty: webhook off
SHAREHUB_NEWSLETTER_FROM_EMAIL = os.environ.get(
    "SHAREHUB_NEWSLETTER_FROM_EMAIL", ""
)  # empty: DEFAULT_FROM_EMAIL
SHAREHUB_NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get(
    "SHAREHUB_NEWSLETTER_UNSUBSCRIBE_MAILTO", ""
)
SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_IP = os.environ.get(
    "SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_IP", "10/h"
)
SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_ADDRESS = os.environ.get(
    "SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_ADDRESS", "3/h"
)

# --- Internationalisation --------------------------------------------------------------
# The languages the hub offers; a city may offer fewer (SHAREHUB_LANGUAGES=ko), the first is the default.
_KNOWN_LANGUAGES = {"ko": "한국어", "en": "English"}
LANGUAGES = [
    (code, _KNOWN_LANGUAGES[code])
    for code in env_list("SHAREHUB_LANGUAGES", "ko,en")
    if code in _KNOWN_LANGUAGES
]
LANGUAGE_CODE = LANGUAGES[0][0]
# Each app keeps its own catalogue in sharehub/<app>/locale/.
TIME_ZONE = os.environ.get("SHAREHUB_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True
# Project overrides of Django's locale formats (sharehub/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["sharehub.formats"]
# Content columns exist for both languages whatever is offered, so data survives a change of offer.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ko"
MODELTRANSLATION_LANGUAGES = ("ko", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ko", "en"), "ko": ("en",), "en": ("ko",)}
LANGUAGE_COOKIE_NAME = "sharehub_language"

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages from npm, copied here by `make assets` (never committed).
STATICFILES_DIRS = [BASE_DIR / "sharehub" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("SHAREHUB_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    # Django's folder storage, but a full disk is a message and leaves no half-written file.
    "default": {"BACKEND": "sharehub.core.uploads.PublicStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "SHAREHUB_STATIC_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Object storage (production profile): uploads in an S3-compatible bucket through django-storages,
# the private ones in a bucket of their own: private ACL, served only through the hub's checked
# views (core.uploads.private_storage), never by a public address.
if s3_bucket := os.environ.get("SHAREHUB_S3_BUCKET"):
    _s3 = {
        "endpoint_url": os.environ.get("SHAREHUB_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("SHAREHUB_S3_REGION") or None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": s3_bucket,
            # Public reads come from the bucket's policy (or a CDN in front), not per-object ACLs.
            "default_acl": None,
            "querystring_auth": False,
            "custom_domain": os.environ.get("SHAREHUB_S3_PUBLIC_DOMAIN") or None,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": os.environ.get("SHAREHUB_S3_PRIVATE_BUCKET", f"{s3_bucket}-private"),
            "default_acl": "private",
            # A URL is only ever made after the permission check, and lives briefly.
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("SHAREHUB_S3_SIGNED_URL_SECONDS", "300")),
        },
    }
    SHAREHUB_SERVE_MEDIA = False
# Tests and DEBUG serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security --------------------------------------------------------------------------
# Plain HTTP is allowed only where the operator says so (make run on loopback does).
HTTPS = env_bool("SHAREHUB_HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SHAREHUB_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

_tile_hosts = []
if SHAREHUB_TILE_URL:
    _split = urlsplit(SHAREHUB_TILE_URL.replace("{s}", "a"))
    _tile_host = _split.hostname or ""
    _tile_hosts = [
        f"{_split.scheme}://*.{_tile_host.split('.', 1)[-1]}",
        f"{_split.scheme}://{_tile_host}",
    ]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:", *_tile_hosts],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *SOCIAL_LOGIN_ORIGINS],
    "frame-ancestors": [CSP.NONE],
}

# --- API -------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHAREHUB_LOG_LEVEL", "WARNING")},
}
