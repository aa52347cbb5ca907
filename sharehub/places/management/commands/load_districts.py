from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sharehub.places.services import bundled_district_files, load_districts


class Command(BaseCommand):
    help = (
        "Create or update the city's districts from a GeoJSON FeatureCollection of "
        "Polygon/MultiPolygon features, matched by code. "
        "Without PATH, loads the bundled Seoul files from data/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="GeoJSON file (WGS84 longitude/latitude).")
        parser.add_argument(
            "--centroids",
            metavar="CSV",
            help="CSV with columns code,lat,lon for the map pins "
            "(default: computed from the boundaries).",
        )
        parser.add_argument(
            "--code-property",
            default="SIG_CD",
            help="Feature property with the district code (default: SIG_CD).",
        )
        parser.add_argument(
            "--name-ko-property",
            default="SIG_KOR_NM",
            help="Feature property with the Korean name (default: SIG_KOR_NM).",
        )
        parser.add_argument(
            "--name-en-property",
            default="SIG_ENG_NM",
            help="Feature property with the English name (default: SIG_ENG_NM).",
        )

    def handle(self, *args, path: str | None, centroids: str | None, **options) -> None:
        if path is None:
            path, bundled_centroids = bundled_district_files()
            centroids = centroids or bundled_centroids
        try:
            counts = load_districts(
                geojson_path=path,
                centroids_csv=centroids,
                code_property=options["code_property"],
                name_ko_property=options["name_ko_property"],
                name_en_property=options["name_en_property"],
            )
        except ValidationError as exc:
            problems = "\n".join(f"  - {message}" for message in exc.messages)
            raise CommandError(_("Nothing was loaded:") + "\n" + problems) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Districts from %(path)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "path": path,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        )
