from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from sharehub.core.backups import BackupError, Database, media_roots, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into a fresh database and empty media directories (by default the "
        "settings' DATABASE_URL and media roots), then make sure no cached page newer than the "
        "backup is served (docs/backups.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="the backup's directory")
        parser.add_argument(
            "--database-url", default=None, help="restore into this database instead"
        )
        parser.add_argument("--media-root", type=Path, default=None)
        parser.add_argument("--private-media-root", type=Path, default=None)
        parser.add_argument(
            "--pg-bin", default=None, help="directory of pg_restore of the server's version"
        )

    def handle(
        self,
        *args,
        backup: Path,
        database_url: str | None,
        media_root: Path | None,
        private_media_root: Path | None,
        pg_bin: str | None,
        **options,
    ) -> None:
        roots = media_roots()
        given = {"public": media_root, "private": private_media_root}
        roots.update({store: root for store, root in given.items() if root})
        try:
            database = (
                Database.from_url(database_url)
                if database_url
                else Database.from_settings(connections["default"].settings_dict)
            )
            # This command's own connection must not hold the database it restores into.
            connections.close_all()
            restored = restore_backup(backup, database=database, roots=roots, bin_dir=pg_bin)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {backup} into {database.vendor} {database.name}: {restored.files} media "
            f"files, {restored.versions} page versions moved past the backup, caches cleared: "
            f"{', '.join(restored.caches) or 'none'}. Restart the hub's processes."
        )
