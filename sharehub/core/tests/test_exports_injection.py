"""Spreadsheet formula injection (CSV injection, OWASP; issue 19): every CSV and XLSX download of
the hub, with every text column a person types holding a formula, gives cells a spreadsheet shows
as text and never runs.

The text columns come from the model registry, as in test_xss_everywhere (every CharField and
TextField of the hub's apps, the _ko/_en columns included, with its explicit exclusions), so a new
field is covered without editing this file. The payloads are written straight into the rows
(`QuerySet.update`), past every form and service: the writers must guard whatever the database
holds. Each payload carries a marker `zq<N>q` naming its field.

- CSV: a cell never starts with = + - @, a tab or a carriage return, unless it is a plain number
  (a negative value stays a number); a cell holding a marker holds its payload whole (after the
  apostrophe the guard puts before it).
- XLSX: no cell is a formula (neither openpyxl's data type nor the sheet's XML has one), and a
  cell holding a marker holds its payload whole, as a string cell.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from sharehub.core.csvexport import FORMULA_STARTS

from .test_html_valid import _hub
from .test_xss_everywhere import _label, text_fields

MARKER = re.compile(r"zq(\d+)q")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _payload(number: int, max_length: int | None) -> str | None:
    """The field's formula (the kinds taking turns), shortened to fit; None if nothing fits."""
    mark = f"zq{number}q"
    kinds = [
        f'=HYPERLINK("http://evil.example","{mark}")',
        f"+1+1 {mark}",
        f"-1+1 {mark}",
        f"@SUM(A1) {mark}",
        f"\t=1+1 {mark}",
        f"<script>alert(1)</script>{mark}",
    ]
    candidates = [kinds[number % len(kinds)], f"=1+1 {mark}", f"={mark}"]
    for payload in candidates:
        if max_length is None or len(payload) <= max_length:
            return payload
    return None


def _unique(model: type[models.Model], field: models.Field) -> bool:
    return field.unique or any(
        field.name in constraint.fields
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    )


# Beyond test_xss_everywhere's exclusions: columns no person types, each with why.
NOT_TYPED = {
    "opendata.Resource.generator": "a generator's code, chosen from the registry's list",
}


def _write_payloads() -> dict[int, str]:
    """Every text column of every row gets its formula; returns marker number → payload."""
    written: dict[int, str] = {}
    for number, (model, field) in enumerate(text_fields(), start=1):
        if _label(model, field) in NOT_TYPED:
            continue
        payload = _payload(number, field.max_length)
        if payload is None:
            continue
        manager = model._base_manager
        if _unique(model, field):
            # Unique columns get the payload and the row's key (the marker stays whole).
            for pk in manager.values_list("pk", flat=True):
                value = f"{payload} {pk}"
                if field.max_length is None or len(value) <= field.max_length:
                    manager.filter(pk=pk).update(**{field.attname: value})
        else:
            manager.update(**{field.attname: payload})
        written[number] = payload
    return written


def _more_rows(hub: dict) -> dict:
    """What the downloads list beyond the pages' hub: a custom question answered by a registrant,
    a published month of a space's results, a negative official statistic and a generated
    resource per generator and format."""
    from sharehub.events.models import EventQuestion
    from sharehub.facilities.models import MonthlyResult
    from sharehub.opendata import generators
    from sharehub.opendata.tests.factories import (
        DatasetFactory,
        OfficialIndicatorFactory,
        ResourceFactory,
        StatisticFactory,
    )

    event = hub["event"]
    question = EventQuestion.objects.create(event=event, label_ko="질문", label_en="Question")
    month = date(2025, 8, 1)
    MonthlyResult.objects.create(
        space=hub["space"],
        month=month,
        uses=3,
        booked_hours=Decimal("6.0"),
        open_hours=Decimal("100.0"),
        evening_weekend_open_hours=Decimal("20.0"),
        people=12,
        no_shows=0,
        cancellations=1,
        fees=5000,
    )
    StatisticFactory(
        indicator=OfficialIndicatorFactory(code="net-change"),
        district=hub["district"],
        value=Decimal("-1.5000"),
    )
    dataset = DatasetFactory(slug="formulas")
    resources = []
    for code, generator in generators.GENERATORS.items():
        for fmt in ("CSV", "XLSX"):
            assert fmt in generator.formats
            resources.append(ResourceFactory(dataset=dataset, generator=code, format=fmt))
    return {"question": question, "month": month, "resources": resources, "event": event}


def _answer_questions(event, question, payload: str) -> None:
    from sharehub.events.models import Registration

    for registration in Registration.objects.filter(event=event):
        registration.answers = {str(question.pk): payload}
        registration.save(update_fields=["answers"])


def _downloads(hub: dict, more: dict) -> list[tuple[str, str, dict, str | None]]:
    """(label, path, query, who): every CSV and XLSX download, asked by someone who may."""
    call = hub["programme_call"]
    found = [
        ("directory", reverse("directory:export"), {}, None),
        ("directory cp949", reverse("directory:export"), {"encoding": "cp949"}, None),
        ("designation register", reverse("designation:register_csv"), {}, None),
        ("event attendees", reverse("events:attendees_csv", args=[more["event"].pk]), {}, "owner"),
        ("space results", reverse("facilities:results_csv"), {"month": "2025-08"}, None),
        (
            "applications under review",
            reverse("programmes:table_csv", kwargs={"slug": call.slug}),
            {},
            "staff",
        ),
        ("awards", reverse("programmes:awards_csv"), {}, None),
        (
            "indicator by category",
            reverse("opendata:indicator_data", kwargs={"code": "directory.listings", "fmt": "csv"}),
            {},
            None,
        ),
    ]
    for resource in more["resources"]:
        path = reverse(
            "opendata:resource_download",
            kwargs={"slug": resource.dataset.slug, "pk": resource.pk},
        )
        found.append((f"open data {resource.generator} {resource.format}", path, {}, "staff"))
    return found


def _csv_cells(body: bytes, content_type: str) -> list[str]:
    encoding = "cp949" if "euc-kr" in content_type else "utf-8-sig"
    rows = csv.reader(io.StringIO(body.decode(encoding), newline=""))
    return [cell for row in rows for cell in row]


def _xlsx_cells(body: bytes) -> list[tuple[object, str]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
    workbook = load_workbook(io.BytesIO(body))
    return [
        (cell.value, cell.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _check_csv_cell(cell: str, written: dict[int, str], where: str) -> list[str]:
    problems = []
    if cell.startswith(FORMULA_STARTS) and not NUMBER.match(cell):
        problems.append(f"{where}: a spreadsheet runs {cell[:60]!r}")
    for number in MARKER.findall(cell):
        payload = written.get(int(number))
        if payload is not None and payload.strip() not in cell:
            problems.append(f"{where}: {payload!r} was altered to {cell[:80]!r}")
    return problems


@pytest.mark.django_db
def test_no_download_cell_runs_as_a_formula(client):
    hub = _hub()
    more = _more_rows(hub)
    written = _write_payloads()
    assert len(written) > 150, "the registry gave too few text fields: is the walk broken?"
    answer = '=HYPERLINK("http://evil.example","zq0q")'
    written[0] = answer
    _answer_questions(more["event"], more["question"], answer)
    problems: list[str] = []
    for label, path, query, who in _downloads(hub, more):
        client.logout()
        if who is not None:
            person = hub[who]
            person.refresh_from_db()  # the rows were rewritten past the hub's objects
            client.force_login(person)
        response = client.get(path, query)
        assert response.status_code == 200, f"{label}: HTTP {response.status_code}"
        content_type = response["Content-Type"]
        assert "attachment" in response["Content-Disposition"], label
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen = 0
        negative_here = False
        if content_type.startswith("text/csv"):
            for cell in _csv_cells(body, content_type):
                problems.extend(_check_csv_cell(cell, written, label))
                seen += bool(MARKER.search(cell))
                negative_here |= cell == "-1.5"
        else:
            assert content_type.startswith("application/vnd.openxmlformats"), label
            for value, data_type in _xlsx_cells(body):
                if data_type == "f":
                    problems.append(f"{label}: formula cell {value!r}")
                if isinstance(value, str):
                    for number in MARKER.findall(value):
                        payload = written.get(int(number))
                        if payload is not None and payload.strip() not in value:
                            problems.append(f"{label}: {payload!r} altered to {value[:80]!r}")
                    seen += bool(MARKER.search(value))
                elif isinstance(value, int | float | Decimal) and value == Decimal("-1.5"):
                    negative_here = True
        # Every download shows something a person typed (the indicators name categories,
        # the scoreboard is empty: no published ranking).
        if "scoreboard" not in label:
            assert seen, f"{label}: no typed text was seen: is the download empty?"
        if "statistics.official" in label:
            # The official statistic of -1.5: a plain CSV number, a numeric XLSX cell.
            assert negative_here, f"{label}: the negative value is not a number"
    assert not problems, "formulas:\n" + "\n".join(sorted(set(problems)))


def test_the_cell_check_sees_formulas_and_passes_numbers_and_quoted_text():
    """The check's own proof."""
    written = {7: "-1+1 zq7q"}
    for bad in ("=1+1", "+1", "-1+1 zq7q", "@SUM(A1)", "\t=1", "\r=1", "-"):
        assert _check_csv_cell(bad, written, "x"), bad
    assert _check_csv_cell("'-1+ zq7q", written, "x"), "an altered payload is seen"
    for good in ("'-1+1 zq7q", "-1.5", "-3", "12", "2025-08", "", "'=1", "서울 =1"):
        assert not _check_csv_cell(good, written, "x"), good


def test_open_data_numbers_stay_numbers():
    """A generated resource writes a negative Decimal as a number: a plain CSV cell (never
    quoted) and a numeric XLSX cell; its text columns are guarded in CSV and strings in XLSX."""
    from sharehub.opendata import generators

    generator = generators.Generator(
        code="test.numbers",
        name="numbers",
        description="",
        columns=[("name", "name"), ("value", "value"), ("when", "when"), ("count", "count")],
        rows=lambda: iter(
            [
                {
                    "name": "-1+1",
                    "value": Decimal("-1.50"),
                    "when": date(2025, 8, 1),
                    "count": -3,
                },
                {"name": "=1+1", "value": Decimal("1E+1"), "when": None, "count": 0},
            ]
        ),
    )
    text = b"".join(generators.write(generator, "CSV")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [
        ["name", "value", "when", "count"],
        ["'-1+1", "-1.5", "2025-08-01", "-3"],
        ["'=1+1", "10", "", "0"],
    ]
    body = b"".join(generators.write(generator, "XLSX"))
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert cells[0][0] == ("-1+1", "s") and cells[1][0] == ("=1+1", "s")
    assert cells[0][1][1] == "n" and float(cells[0][1][0]) == -1.5
    assert cells[1][1][1] == "n" and float(cells[1][1][0]) == 10
    assert cells[0][3] == (-3, "n")
