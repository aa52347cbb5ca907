"""Django's PostgreSQL backend, its writes tracked (core.pagecache)."""

from django.db.backends.postgresql import base

from sharehub.core.pagecache import TrackingDatabaseWrapper


class DatabaseWrapper(TrackingDatabaseWrapper, base.DatabaseWrapper):
    pass
