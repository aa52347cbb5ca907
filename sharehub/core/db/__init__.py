"""The hub's database backends: Django's SQLite and PostgreSQL backends whose connections track
their writes for the kept pages (core.pagecache.TrackingDatabaseWrapper). settings.py chooses
them for the engine DATABASE_URL names."""
