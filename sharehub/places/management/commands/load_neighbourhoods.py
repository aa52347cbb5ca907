from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sharehub.places.services import bundled_neighbourhood_file, load_neighbourhoods


class Command(BaseCommand):
    help = (
        "Create or update the city's neighbourhoods from a GeoJSON FeatureCollection of "
        "Polygon/MultiPolygon features, matched by code; each joins the district whose code "
        "begins its own (load the districts first). "
        "Without PATH, loads the bundled Seoul file from data/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="GeoJSON file (WGS84 longitude/latitude).")
        parser.add_argument(
            "--code-property",
            default="EMD_CD",
            help="Feature property with the neighbourhood code (default: EMD_CD).",
        )
        parser.add_argument(
            "--name-ko-property",
            default="EMD_KOR_NM",
            help="Feature property with the Korean name (default: EMD_KOR_NM).",
        )
        parser.add_argument(
            "--name-en-property",
            default="EMD_ENG_NM",
            help="Feature property with the English name, if any (default: EMD_ENG_NM).",
        )

    def handle(self, *args, path: str | None, **options) -> None:
        path = path or str(bundled_neighbourhood_file())
        try:
            counts = load_neighbourhoods(
                geojson_path=path,
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
                    "Neighbourhoods from %(path)s: %(created)d created, %(updated)d updated, "
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
