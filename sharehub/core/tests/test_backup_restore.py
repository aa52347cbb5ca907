"""Backups and restores (core.backups, `manage.py backup` / `restore`, docs/backups.md).

The restore drill: a hub with data in many apps and files in both media stores is backed up,
restored into a fresh database and fresh media directories, and every table (row count and a
checksum of every row, ordered by primary key) and every file (checksum) is compared, on the
database the suite runs on. Then the forbidden paths: a restore never writes over a database or
media in use, never restores a damaged archive or one from newer code, and pg_dump must be the
server's version. Last, a page kept after the backup is not served after the restore.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import F

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core import backups
from sharehub.core.backups import Database
from sharehub.core.uploads import private_storage
from sharehub.directory.tests.factories import ListingFactory
from sharehub.events import services as events
from sharehub.events.models import Event, EventMaterial
from sharehub.events.tests.factories import EventFactory
from sharehub.news.tests.factories import ArticleFactory
from sharehub.organizations.tests.factories import OrganizationFactory, image_bytes

# The backup reads the database from another connection (pg_dump) or as committed pages: the
# data must be committed, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
POSTGRES = connection.vendor == "postgresql"
# Each table's version: the sum of its shards.
VERSIONS = 'SELECT "name", CAST(SUM("n") AS BIGINT) FROM "core_pageversion" GROUP BY "name"'


# --- the hub's data and how to compare it -----------------------------------------------------


def make_hub_data() -> None:
    """Rows in many apps (through services where they write side effects: a registration's
    notice and mail rows) and files in both media stores, some with Korean names."""
    people = [UserFactory(display_name="민지"), UserFactory(), UserFactory()]
    organization = OrganizationFactory()
    organization.logo.save("로고.png", ContentFile(image_bytes("PNG", (40, 30))))
    event = EventFactory(organization=organization, capacity=2)
    for person in people:
        events.register(actor=person, event=event)
    material = EventMaterial(event=event, title="발표 자료")
    material.file.save("slides.pdf", ContentFile(PDF))
    ArticleFactory()
    ListingFactory()
    default_storage.save("news/사진 photo.jpg", ContentFile(image_bytes("JPEG", (16, 16))))
    private_storage().save("programmes/empty.pdf", ContentFile(b""))


def _tables(db: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
    return [row[0] for row in db.execute(query).fetchall()]


def _order(db: Any, vendor: str, table: str) -> str:
    """The table's primary key columns (SQLite: its rowid where it has no declared key)."""
    if vendor == "postgresql":
        columns = [
            row[0]
            for row in db.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)",
                [f'"{table}"'],
            ).fetchall()
        ]
    else:
        info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        columns = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]] or ["rowid"]
    return ", ".join(f'"{column}"' if column != "rowid" else column for column in columns)


def table_digests(db: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and the checksum of its rows in primary-key order."""
    digests = {}
    for table in _tables(db, vendor):
        order = _order(db, vendor, table)
        rows = db.execute(
            f'SELECT * FROM "{table}"' + (f" ORDER BY {order}" if order else "")
        ).fetchall()
        hashed = [hashlib.sha256(repr(tuple(row)).encode()).hexdigest() for row in rows]
        if not order:  # no key: compared as a multiset
            hashed.sort()
        digests[table] = (len(rows), hashlib.sha256("".join(hashed).encode()).hexdigest())
    return digests


def file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): backups.sha256_file(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def target(tmp_path) -> Iterator[Database]:
    """A database that does not exist yet, on the server the suite runs on."""
    source = Database.from_settings(connection.settings_dict)
    if source.vendor == "sqlite":
        yield Database(vendor="sqlite", name=str(tmp_path / "restored" / "sharehub.sqlite3"))
        return
    restored = Database(
        vendor="postgresql",
        name=f"sh_res_drill_{uuid.uuid4().hex[:8]}",
        host=source.host,
        port=source.port,
        user=source.user,
        password=source.password,
    )
    yield restored
    with source.connect("postgres", autocommit=True) as maintenance:
        for name in (restored.name, f"{restored.name}_unsafe"):
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(database: Database) -> str:
    if database.vendor == "sqlite":
        return f"sqlite:///{database.name}"
    auth = database.user + (f":{database.password}" if database.password else "")
    return f"postgres://{auth}@{database.host}:{database.port}/{database.name}"


def open_db(database: Database) -> Any:
    if database.vendor == "sqlite":
        # Read as Django's connection to the source reads (its converters: dates, decimals).
        return sqlite3.connect(
            database.name, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        )
    return database.connect()


def exists(database: Database) -> bool:
    if database.vendor == "sqlite":
        return Path(database.name).exists()
    with database.connect("postgres") as maintenance:
        found = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database.name]
        ).fetchone()
    return found is not None


def open_source() -> Any:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection  # the test database may live in memory: its own connection
    return Database.from_settings(connection.settings_dict).connect()


def restore(backup: Path, database: Database, into: Path, *extra: str) -> None:
    call_command(
        "restore",
        str(backup),
        "--database-url",
        url_of(database),
        "--media-root",
        str(into / "media"),
        "--private-media-root",
        str(into / "private-media"),
        *extra,
    )


def back_up(tmp_path: Path) -> Path:
    call_command("backup", str(tmp_path / "backups"))
    (made,) = (tmp_path / "backups").iterdir()
    return made


# --- the drill ----------------------------------------------------------------------------------


def test_restore_drill_gives_back_every_row_and_every_file(tmp_path, settings, target):
    make_hub_data()
    public, private = Path(settings.MEDIA_ROOT), Path(private_storage().location)
    files_before = {"public": file_digests(public), "private": file_digests(private)}
    assert len(files_before["public"]) == 2 and len(files_before["private"]) == 2

    backup = back_up(tmp_path)
    manifest = json.loads((backup / backups.MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert {item["store"] for item in manifest["media"]} == {"public", "private"}
    assert not list((tmp_path / "backups").glob("*.partial"))

    source = open_source()
    before = table_digests(source, connection.vendor)
    versions_before = dict(source.execute(VERSIONS).fetchall())
    if connection.vendor == "postgresql":
        source.close()

    into = tmp_path / "restored"
    restore(backup, target, into)

    restored = open_db(target)
    try:
        after = table_digests(restored, target.vendor)
        versions_after = dict(restored.execute(VERSIONS).fetchall())
    finally:
        restored.close()
    # The versions move past the backup's on purpose (the page test below); everything else is
    # the same, row by row.
    before.pop("core_pageversion")
    after.pop("core_pageversion")
    assert after.keys() == before.keys()
    differing = [table for table in before if before[table] != after[table]]
    assert differing == []
    assert before["events_registration"][0] == 3
    assert before["notifications_outboundemail"][0] >= 3
    assert sum(count for count, _ in before.values()) > 100
    assert [name for name, n in versions_before.items() if versions_after[name] <= n] == []
    assert versions_after["*"] > max(versions_before.values())
    assert set(versions_after) >= set(before)  # tables never written have a version too

    assert file_digests(into / "media") == files_before["public"]
    assert file_digests(into / "private-media") == files_before["private"]


# --- the forbidden paths --------------------------------------------------------------------


def test_restore_refuses_what_it_must_not_touch(tmp_path, target):
    """One backup, then the refusals: a damaged archive and a backup of newer code before
    anything is written, media directories in use, and a database in use."""
    default_storage.save("news/photo.jpg", ContentFile(image_bytes("JPEG", (16, 16))))
    backup = back_up(tmp_path)

    damaged = shutil.copytree(backup, tmp_path / "damaged")
    archive = damaged / backups.MEDIA
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF  # inside the first member's content
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="checksum"):
        restore(damaged, target, tmp_path / "a")
    assert not (tmp_path / "a").exists() and not exists(target)

    newer = shutil.copytree(backup, tmp_path / "newer")
    manifest = json.loads((newer / backups.MANIFEST).read_text())
    manifest["migrations"]["events"].append("9999_from_the_future")
    (newer / backups.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="9999_from_the_future"):
        restore(newer, target, tmp_path / "a")
    assert not exists(target)

    (tmp_path / "live" / "media").mkdir(parents=True)
    (tmp_path / "live" / "media" / "newer.png").write_bytes(b"kept")
    with pytest.raises(CommandError, match="not empty"):
        restore(backup, target, tmp_path / "live")
    assert (tmp_path / "live" / "media" / "newer.png").read_bytes() == b"kept"
    assert not exists(target)

    restore(backup, target, tmp_path / "first")
    with pytest.raises(CommandError, match="already"):
        restore(backup, target, tmp_path / "second")
    assert not (tmp_path / "second" / "media").exists()


@pytest.mark.skipif(not POSTGRES, reason="pg_dump: PostgreSQL only")
def test_pg_dump_of_another_version_fails_clearly(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    with pytest.raises(CommandError, match=r"pg_dump of PostgreSQL \d+ is needed.*9\)"):
        call_command("backup", str(tmp_path / "backups"), "--pg-bin", str(tools))
    assert not list((tmp_path / "backups").iterdir())  # nothing half made is left


# --- nothing newer than the backup is served ------------------------------------------------


@contextmanager
def serving_from(database: Database) -> Iterator[None]:
    """The hub's connections pointed at another database of the same server for a while."""
    settings_dict = connections["default"].settings_dict
    original = settings_dict["NAME"]
    connections["default"].close()
    settings_dict["NAME"] = database.name
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict["NAME"] = original


def _visit(client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response["X-Page-Cache"], response.content.decode()


@pytest.mark.skipif(not POSTGRES, reason="serves from a second database of the same server")
def test_a_page_kept_after_the_backup_is_not_served_after_the_restore(
    tmp_path, client, monkeypatch, target
):
    # The restore cannot reach the memory of the hub's other processes: it clears nothing here,
    # so only the versions can stop the kept page.
    monkeypatch.setattr(backups, "clear_caches", list)
    event = EventFactory(title_ko="백업 때의 제목")
    url = event.get_absolute_url()
    backup = back_up(tmp_path)
    Event.objects.filter(pk=event.pk).update(title_ko="백업 뒤의 제목")
    for _ in range(3):
        state, page = _visit(client, url)
    assert (state, "백업 뒤의 제목" in page) == ("hit", True)

    def after_restore(database: Database, into: Path) -> tuple[str, str]:
        restore(backup, database, into)
        with serving_from(database):
            # One write to the event's table after the restore, as the restored hub would make.
            Event.objects.filter(pk=event.pk).update(capacity=F("capacity"))
            return _visit(client, url)

    # Without moving the versions, that write brings them back to the kept page's: served, stale.
    # This is the danger the restore's last step removes.
    with monkeypatch.context() as unsafe:
        unsafe.setattr(backups, "forget_newer_pages", lambda database: 0)
        state, page = after_restore(replace(target, name=f"{target.name}_unsafe"), tmp_path / "a")
    assert (state, "백업 뒤의 제목" in page) == ("hit", True)

    state, page = after_restore(target, tmp_path / "b")
    assert state == "miss"
    assert "백업 때의 제목" in page and "백업 뒤의 제목" not in page
