"""Django's SQLite backend, its writes tracked (core.pagecache)."""

from django.db.backends.sqlite3 import base

from sharehub.core.pagecache import TrackingDatabaseWrapper


class DatabaseWrapper(TrackingDatabaseWrapper, base.DatabaseWrapper):
    pass
