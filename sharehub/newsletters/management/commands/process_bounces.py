"""Unsubscribe hard-bounced addresses from a list: `manage.py process_bounces FILE` (or - for stdin).

One bounce a line: `address` or `address,hard` / `address,soft` (CSV as exported by most mail
services); soft bounces are counted and left alone (the sender retries them with back-off).
"""

import sys

from django.core.management.base import BaseCommand

from sharehub.newsletters.upkeep import mark_bounced


class Command(BaseCommand):
    help = "Mark hard-bounced addresses as bounced (they get no more newsletters)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="a file of bounces, or - for standard input")

    def handle(self, *args, path: str, **options) -> None:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 (closed by the with below)
        marked = soft = 0
        with stream:
            for line in stream:
                address, _, kind = line.strip().partition(",")
                if not address or address.startswith("#") or "@" not in address:
                    continue
                if kind.strip().lower() == "soft":
                    soft += 1
                    continue
                marked += mark_bounced(email=address.strip(), reason="bounce list")
        self.stdout.write(f"bounced={marked} soft={soft}")
