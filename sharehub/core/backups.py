"""Backups and restores of the whole hub: the database and both media stores (docs/backups.md).

One backup is one directory, `sharehub-<UTC time>/`, holding:

- `database.pgdump` (PostgreSQL: pg_dump's custom format, restored by pg_restore) or
  `database.sqlite3` (SQLite: a copy made by SQLite's online backup API, a consistent snapshot
  even while the hub writes in WAL mode);
- `media.tar`: the public uploads (`MEDIA_ROOT`, as `public/…`) and the private ones
  (`core.uploads.PrivateStorage`, as `private/…`);
- `manifest.json`: when, by which versions, the applied migrations, the SHA-256 of both
  artifacts and of every media file.

It is written under `<name>.partial` and renamed when complete, so an interrupted backup never
looks like one. A restore checks every checksum before it touches anything, writes only into a
fresh database and empty media directories, checks every extracted file again, and then makes
sure the hub serves nothing newer than the restored data (`forget_newer_pages`).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import dj_database_url
import django
import psycopg
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from sharehub.core.pagecache import EVERYTHING, VERSION_TABLE
from sharehub.core.uploads import private_storage

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
DUMP = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- where things are ------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into, as Django's settings describe one."""

    vendor: str  # "postgresql" or "sqlite"
    name: str  # the database's name, or the SQLite file's path
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = str(settings_dict["ENGINE"])
        vendor = (
            "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine
        )
        if vendor not in DUMP:
            raise BackupError(f"Backups know PostgreSQL and SQLite, not {engine}.")
        return cls(
            vendor=vendor,
            name=str(settings_dict["NAME"]),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            return cls.from_settings(dict(dj_database_url.parse(url)))
        except (ValueError, KeyError, ImproperlyConfigured) as error:
            raise BackupError(f"Not a database URL: {error}") from error

    def conninfo(self, dbname: str | None = None) -> str:
        """libpq's connection string (the password goes through the environment, not argv)."""
        parts = {"dbname": dbname or self.name, "host": self.host, "port": self.port}
        parts["user"] = self.user
        return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)

    def environment(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.password} if self.password else dict(os.environ)

    def connect(self, dbname: str | None = None, **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(self.conninfo(dbname), password=self.password or None, **kwargs)


def media_roots() -> dict[str, Path]:
    """The media stores kept on this machine's disk, by their name inside the archive. A store
    on object storage (the production profile's buckets) has no folder here: the bucket's own
    versioning and replication keep it (docs/backups.md), and the manifest says it was left."""
    stores: dict[str, Any] = {"public": default_storage, "private": private_storage()}
    return {
        name: Path(storage.location)
        for name, storage in stores.items()
        if isinstance(storage, FileSystemStorage)
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(roots: dict[str, Path]) -> Iterator[tuple[str, Path, str]]:
    """(store, file, path inside the store) of every regular file, in a stable order."""
    for store, root in sorted(roots.items()):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield store, path, path.relative_to(root).as_posix()


# --- PostgreSQL's own tools ------------------------------------------------------------------

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


def _tool_major(path: str) -> int | None:
    try:
        answer = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    found = _VERSION.search(answer)
    return int(found.group(1)) if found else None


def server_major(database: Database) -> int:
    with database.connect() as connection:
        return int(connection.info.server_version) // 10000


def pg_tool(tool: str, major: int, bin_dir: str | None = None) -> str:
    """The path of `tool` (pg_dump, pg_restore) of the server's major version.

    A pg_dump older than the server refuses to dump it, and an archive of a newer one may not
    restore into this server: the tools must be the server's own version. Looked for in
    `bin_dir` (--pg-bin) alone when given, else Debian's per-version directory, then PATH."""
    candidates = (
        [os.path.join(bin_dir, tool)]
        if bin_dir
        else [f"/usr/lib/postgresql/{major}/bin/{tool}", shutil.which(tool) or ""]
    )
    found: list[str] = []
    for path in dict.fromkeys(candidate for candidate in candidates if candidate):
        if not os.access(path, os.X_OK):
            continue
        version = _tool_major(path)
        if version == major:
            return path
        found.append(f"{path} ({version if version is not None else 'unknown version'})")
    raise BackupError(
        f"{tool} of PostgreSQL {major} is needed (the server's version) but "
        + (f"only {', '.join(found)} was found" if found else "none was found")
        + f": install postgresql-client-{major} or give its directory with --pg-bin."
    )


# --- backup ------------------------------------------------------------------------------------


def _applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT "app", "name" FROM "django_migrations" ORDER BY "app", "name"')
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def _dump_postgresql(database: Database, target: Path, bin_dir: str | None) -> dict[str, str]:
    major = server_major(database)
    pg_dump = pg_tool("pg_dump", major, bin_dir)
    run = subprocess.run(
        [pg_dump, "--format=custom", "--file", str(target), "--dbname", database.conninfo()],
        env=database.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
    with database.connect() as connection:
        server = str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    return {"server_version": server, "tool": f"pg_dump {major}"}


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> dict[str, str]:
    # SQLite's online backup API, all pages in one step: one read transaction, so a consistent
    # snapshot while other connections go on writing in WAL mode (a step-by-step copy would
    # restart at every write).
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
    return {"server_version": sqlite3.sqlite_version, "tool": "sqlite3 backup API"}


def create_backup(destination: Path, *, alias: str = "default", bin_dir: str | None = None) -> Path:
    """Back up the database of `alias` and both media stores into a new directory under
    `destination`; returns that directory."""
    connection = connections[alias]
    database = Database.from_settings(connection.settings_dict)
    now = datetime.now(UTC)
    name = f"sharehub-{now:%Y%m%dT%H%M%S%fZ}"
    final = destination / name
    partial = destination / f"{name}.partial"
    partial.mkdir(parents=True)
    try:
        dump = partial / DUMP[database.vendor]
        if database.vendor == "postgresql":
            about = _dump_postgresql(database, dump, bin_dir)
        else:
            about = _dump_sqlite(connection, dump)
        media: list[dict[str, Any]] = []
        with tarfile.open(partial / MEDIA, "w", format=tarfile.PAX_FORMAT) as archive:
            for store, path, inside in _media_files(media_roots()):
                # The checksum is of the bytes archived: read once, hashed, then added.
                checksum = sha256_file(path)
                archive.add(path, arcname=f"{store}/{inside}", recursive=False)
                media.append(
                    {
                        "store": store,
                        "path": inside,
                        "size": path.stat().st_size,
                        "sha256": checksum,
                    }
                )
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "versions": {
                "python": platform.python_version(),
                "django": django.get_version(),
                "sharehub": _hub_version(),
            },
            "database": {"vendor": database.vendor, **about},
            "migrations": _applied_migrations(connection),
            "artifacts": {
                item.name: {"size": item.stat().st_size, "sha256": sha256_file(item)}
                for item in (dump, partial / MEDIA)
            },
            "media": media,
            "media_not_included": sorted({"public", "private"} - set(media_roots())),
        }
        (partial / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _hub_version() -> str:
    try:
        return version("sharehub")
    except PackageNotFoundError:  # run from the source tree
        return "source"


# --- restore -----------------------------------------------------------------------------------


def read_manifest(backup: Path) -> dict[str, Any]:
    """The backup's manifest, after checking both artifacts against it."""
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{backup} holds no readable {MANIFEST}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest["artifacts"].items():
        path = backup / name
        if not path.is_file() or sha256_file(path) != expected["sha256"]:
            raise BackupError(f"{path} is missing or does not match its checksum in the manifest.")
    return manifest


def _is_fresh_postgresql(database: Database) -> bool:
    """Whether the database is missing (it is created) or holds no table; False when it holds
    some. A restore never writes over a database in use."""
    try:
        with database.connect() as connection:
            tables = connection.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
            return bool(tables and tables[0] == 0)
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise BackupError(f"Cannot reach the database {database.name}: {error}") from error
    with database.connect("postgres", autocommit=True) as maintenance:
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
    return True


def _restore_postgresql(database: Database, dump: Path, bin_dir: str | None) -> None:
    if not _is_fresh_postgresql(database):
        raise BackupError(
            f"The database {database.name} already holds tables: restore into a new, empty "
            "database (it is created when missing), then point DATABASE_URL at it."
        )
    pg_restore = pg_tool("pg_restore", server_major(database), bin_dir)
    run = subprocess.run(
        # One transaction: a failed restore leaves the database empty, never half restored.
        # Owners and grants are the restoring role's: the city's roles need not exist here.
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-acl",
            "--dbname",
            database.conninfo(),
            str(dump),
        ],
        env=database.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise BackupError(f"pg_restore failed: {run.stderr.strip()}")


def _restore_sqlite(database: Database, dump: Path) -> None:
    target = Path(database.name)
    if target.exists() and target.stat().st_size:
        raise BackupError(
            f"{target} already exists: restore into a new file, then point DATABASE_URL at it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")  # as the hub opens it (settings)
    finally:
        copy.close()
        source.close()


def _check_empty(roots: dict[str, Path]) -> None:
    for root in roots.values():
        if root.exists() and any(root.iterdir()):
            raise BackupError(f"{root} is not empty: restore the media into empty directories.")


def _restore_media(backup: Path, manifest: dict[str, Any], roots: dict[str, Path]) -> int:
    expected = {f"{item['store']}/{item['path']}": item for item in manifest["media"]}
    with tarfile.open(backup / MEDIA) as archive:
        for member in archive.getmembers():
            store, _, inside = member.name.partition("/")
            if store not in roots:
                raise BackupError(
                    f"The backup holds {store} media but this hub keeps them on object storage: "
                    f"restore them into a folder (--{'private-' if store == 'private' else ''}"
                    "media-root) and upload that folder to the bucket."
                )
            if member.name not in expected or not member.isfile():
                raise BackupError(f"Unexpected member {member.name!r} in {MEDIA}.")
            roots[store].mkdir(parents=True, exist_ok=True)
            # The "data" filter refuses absolute paths, "..", links and devices.
            archive.extract(member.replace(name=inside), roots[store], filter="data")
    for name, item in expected.items():
        path = roots[item["store"]] / item["path"]
        if not path.is_file() or sha256_file(path) != item["sha256"]:
            raise BackupError(f"{name} does not match its checksum after the restore.")
    return len(expected)


# Each table's version: the sum of its shards (core.models.PageVersion).
_SUMS = f'SELECT "name", CAST(SUM("n") AS BIGINT) FROM "{VERSION_TABLE}" GROUP BY "name"'


def forget_newer_pages(database: Database) -> int:
    """Make sure nothing kept from after the backup is served by the restored hub.

    Kept pages (core.pagecache) and the caches keyed on table versions (opendata) are served
    while the versions they were built at equal the database's. The restored versions are the
    backup's, lower than those the hub reached since: new writes would raise them to numbers a
    page kept from the newer data also holds. So every table's version, written or not, moves to
    the current time in microseconds, as one row (shard 0; its other shards deleted, so the
    sum is that time): a version only grows by one per committed write of its table, so every
    earlier value, including those a previous restore set, is below it. This also reaches kept
    pages in the memory of processes the restore cannot clear. Returns how many versions were
    moved."""
    floor = time.time_ns() // 1000
    kept: dict[str, int]
    if database.vendor == "postgresql":
        with database.connect() as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
                )
            ]
            with connection.transaction():
                kept = dict(connection.execute(_SUMS).fetchall())
                names = sorted({*tables, *kept, EVERYTHING})
                connection.execute(f'DELETE FROM "{VERSION_TABLE}"')
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f'INSERT INTO "{VERSION_TABLE}" ("name", "shard", "n") VALUES (%s, 0, %s)',
                        [(name, max(kept.get(name, 0), floor)) for name in names],
                    )
            _clear_database_cache(connection, tables)
    else:
        with sqlite3.connect(database.name) as lite:
            tables = [
                row[0]
                for row in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            kept = dict(lite.execute(_SUMS).fetchall())
            names = sorted({*tables, *kept, EVERYTHING})
            lite.execute(f'DELETE FROM "{VERSION_TABLE}"')
            lite.executemany(
                f'INSERT INTO "{VERSION_TABLE}" ("name", "shard", "n") VALUES (?, 0, ?)',
                [(name, max(kept.get(name, 0), floor)) for name in names],
            )
            _clear_database_cache(lite, tables)
        lite.close()
    return len(names)


def _clear_database_cache(connection: Any, tables: list[str]) -> None:
    """Django's database caches live in the restored database: their rows are the backup's
    (rate limits, prepared vocabularies), emptied like the other caches."""
    for config in settings.CACHES.values():
        if str(config.get("BACKEND", "")).endswith("DatabaseCache"):
            table = str(config["LOCATION"])
            if table in tables:  # else `createcachetable` makes it, empty
                connection.execute(f'DELETE FROM "{table}"')


def clear_caches() -> list[str]:
    """Empty every cache that is not in the database (Redis, this process's memory): rate
    limits, the search vocabulary, opendata's tables, kept pages."""
    cleared = []
    for alias in settings.CACHES:
        if not str(settings.CACHES[alias].get("BACKEND", "")).endswith("DatabaseCache"):
            caches[alias].clear()
            cleared.append(alias)
    return cleared


@dataclass
class Restored:
    vendor: str
    files: int
    versions: int
    caches: list[str]


def restore_backup(
    backup: Path,
    *,
    database: Database,
    roots: dict[str, Path] | None = None,
    bin_dir: str | None = None,
) -> Restored:
    """Restore `backup` into a fresh `database` and empty media directories (default: the
    settings'), then make sure nothing newer is served."""
    manifest = read_manifest(backup)
    vendor = manifest["database"]["vendor"]
    if vendor != database.vendor:
        raise BackupError(
            f"This is a {vendor} backup; it cannot be restored into {database.vendor}."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        # The backup's schema is newer than this code: the hub would run on tables it does not
        # know. Restore with the version of the hub that made it.
        raise BackupError(
            "The backup holds migrations this code does not have: " + ", ".join(unknown[:5])
        )
    roots = roots or media_roots()
    _check_empty(roots)  # before the database: a refusal leaves both untouched
    if database.vendor == "postgresql":
        _restore_postgresql(database, backup / DUMP[vendor], bin_dir)
    else:
        _restore_sqlite(database, backup / DUMP[vendor])
    files = _restore_media(backup, manifest, roots)
    versions = forget_newer_pages(database)
    return Restored(vendor=vendor, files=files, versions=versions, caches=clear_caches())
