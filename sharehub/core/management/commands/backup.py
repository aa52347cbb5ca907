from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sharehub.core.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump or SQLite's online backup) and both media stores into a "
        "new directory with a manifest of checksums (docs/backups.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("destination", type=Path, help="directory that receives the backup")
        parser.add_argument(
            "--pg-bin", default=None, help="directory of pg_dump of the server's version"
        )

    def handle(self, *args, destination: Path, pg_bin: str | None, **options) -> None:
        try:
            made = create_backup(destination, bin_dir=pg_bin)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(made))
