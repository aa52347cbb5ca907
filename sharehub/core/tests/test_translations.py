"""Every string a person sees is translated into Korean, and the catalogues match the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

APPS_DIR = settings.BASE_DIR / "sharehub"
APPS_WITH_CATALOGUES = sorted(
    p.parent.parent.parent.parent for p in APPS_DIR.glob("*/locale/ko/LC_MESSAGES/django.po")
)


def test_every_app_with_templates_or_models_has_a_catalogue():
    apps = {p.parent.name for p in APPS_DIR.glob("*/apps.py")}
    assert apps == {p.name for p in APPS_WITH_CATALOGUES}


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUES, ids=lambda p: p.name)
def test_korean_catalogue_is_complete(app: Path):
    catalogue = polib.pofile(str(app / "locale/ko/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {app.name}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {app.name}: {fuzzy[:10]}"


# Runs makemessages in each copied app, in one Django process (starting one per app cost more
# than the extraction itself).
_EXTRACT = """
import os, sys
import django
from django.core.management import call_command
django.setup()
for folder in sys.argv[1:]:
    os.chdir(folder)
    call_command("makemessages", locale=["ko"], no_obsolete=True, verbosity=0)
"""


@pytest.fixture(scope="session")
def extracted_catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of every app with its strings extracted again from the code (makemessages)."""
    root = tmp_path_factory.mktemp("catalogues")
    for app in APPS_WITH_CATALOGUES:
        shutil.copytree(app, root / app.name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-c", _EXTRACT, *(str(root / app.name) for app in APPS_WITH_CATALOGUES)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sharehub.settings"},
        check=True,
    )
    return root


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUES, ids=lambda p: p.name)
def test_catalogue_holds_every_string_of_the_code(app: Path, extracted_catalogues: Path):
    """Extract the strings again from a copy of the app and compare with the committed catalogue."""
    copy = extracted_catalogues / app.name
    extracted = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/ko/LC_MESSAGES/django.po"))
    }
    committed = polib.pofile(str(app / "locale/ko/LC_MESSAGES/django.po"))
    translated = {(e.msgctxt, e.msgid) for e in committed if e.translated() and not e.obsolete}
    missing = sorted(m for _, m in extracted - translated)
    assert not missing, (
        f"{app.name}: strings in the code without a Korean translation: {missing[:10]}"
    )


def test_one_korean_translation_per_string():
    """Django merges the catalogues and the first app wins: a string must read the same everywhere.

    Where an app means something else by the same English, it gives the string a context (pgettext).
    """
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for app in APPS_WITH_CATALOGUES:
        for entry in polib.pofile(str(app / "locale/ko/LC_MESSAGES/django.po")):
            if entry.obsolete or not entry.translated():
                continue
            if entry.msgid_plural:
                msgstr = " / ".join(text for _, text in sorted(entry.msgstr_plural.items()))
            else:
                msgstr = entry.msgstr
            seen.setdefault((entry.msgctxt, entry.msgid), {})[app.name] = msgstr
    conflicts = [
        f"{msgid!r}"
        + (f" (context {msgctxt!r})" if msgctxt else "")
        + ": "
        + ", ".join(f"{app}={text!r}" for app, text in by_app.items())
        for (msgctxt, msgid), by_app in sorted(seen.items(), key=lambda i: (i[0][1], i[0][0] or ""))
        if len(set(by_app.values())) > 1
    ]
    assert not conflicts, f"{len(conflicts)} strings differ between apps:\n" + "\n".join(conflicts)


def test_translation_functions_keep_names_makemessages_extracts():
    """makemessages finds only the names it knows (`_`, `gettext_lazy`, `pgettext` …) and, with
    this xgettext (0.21), never inside an f-string: a string marked through another alias
    (`gettext_lazy as _lazy`) or called inside `f"..."` is never extracted, so a catalogue
    rebuilt by `make makemessages` loses it, and the checks above never see it (a photo form
    was English on Korean pages; the map's buttons were about to be)."""
    import ast

    known = {
        "_",
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
    }
    found = []
    for path in APPS_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(APPS_DIR)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                found += [
                    f"{where}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.asname and alias.name in known and alias.asname not in known
                ]
            if isinstance(node, ast.JoinedStr) and "tests" not in where.parts:
                found += [
                    f"{where}:{call.lineno}: a translation call in an f-string"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and (
                        (isinstance(call.func, ast.Name) and call.func.id in known)
                        or (isinstance(call.func, ast.Attribute) and call.func.attr in known)
                    )
                ]
    assert not found, found
