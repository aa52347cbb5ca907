"""The open-data dashboard, the indicator pages and their downloads, on fixture listings whose
figures are counted by hand below."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.directory.tests.factories import CategoryFactory, ListingFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.opendata import indicators
from sharehub.opendata.indicators import engine
from sharehub.opendata.selectors import dashboard as selectors
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

SEOUL = ZoneInfo("Asia/Seoul")
CODE = "directory.listings"


def url(name: str, lang: str = "ko", **kwargs: str) -> str:
    with translation.override(lang):
        return reverse(f"opendata:{name}", kwargs=kwargs or None)


def data_url(fmt: str, lang: str = "ko", code: str = CODE) -> str:
    return url("indicator_data", lang, code=code, fmt=fmt)


def listing(district, categories, year: int, month: int, *, published: bool = True):
    organization = OrganizationFactory(district=district)
    item = ListingFactory(
        organization=organization,
        moderation_status=ModerationStatus.PUBLISHED if published else ModerationStatus.PENDING,
        created_at=datetime(year, month, 10, 12, tzinfo=SEOUL),
    )
    item.categories.set(categories)
    return item


@pytest.fixture
def data(db):
    """Jongno: Jan (tools), Feb (tools + spaces); Jung: Feb (spaces), Mar (none), and one
    pending in Mar that never counts; Yongsan: nothing.

    By month: Jan 1, Feb 2, Mar 1 (a listing in two categories counts once, except by category,
    where it counts in each). By district: Jongno 2, Jung 2, Yongsan 0. By category: tools 2,
    spaces 2, none 1."""
    jongno = DistrictFactory(code="11110", slug="jongno", name_ko="종로구", name_en="Jongno-gu")
    jung = DistrictFactory(code="11140", slug="jung", name_ko="중구", name_en="Jung-gu")
    yongsan = DistrictFactory(code="11170", slug="yongsan", name_ko="용산구", name_en="Yongsan-gu")
    tools = CategoryFactory(slug="tools", name_ko="공구", name_en="Tools")
    spaces = CategoryFactory(slug="spaces", name_ko="공간", name_en="Spaces")
    listing(jongno, [tools], 2025, 1)
    listing(jongno, [tools, spaces], 2025, 2)
    listing(jung, [spaces], 2025, 2)
    listing(jung, [], 2025, 3)
    listing(jung, [tools], 2025, 3, published=False)
    cache.clear()
    return {"jongno": jongno, "jung": jung, "yongsan": yongsan, "tools": tools, "spaces": spaces}


def read_csv(response, encoding: str = "utf-8-sig") -> list[list[str]]:
    body = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(body.decode(encoding))))


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_dashboard_draws_every_indicator_with_its_table_and_downloads(client, data, lang):
    response = client.get(url("dashboard", lang))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{lang}"' in page
    # Every registered indicator is on the page, in its section.
    for indicator in indicators.all_indicators():
        assert url("indicator", lang, code=indicator.code) in page
    # The listings' chart by month: a canvas with a text alternative, its data, its table.
    assert 'id="chart-directory-listings-period"' in page
    assert 'role="img"' in page
    assert 'id="chart-directory-listings-period-data"' in page
    assert '<th scope="col">' in page and "<caption>" in page
    chart = json.loads(
        page.split('id="chart-directory-listings-period-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert chart["kind"] == "line"
    assert chart["values"] == [1, 2, 1]
    by_category = json.loads(
        page.split('id="chart-directory-listings-category-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert by_category["kind"] == "bar"
    # In the categories' own order (tools first), "no category" last.
    assert by_category["labels"][:2] == (["공구", "공간"] if lang == "ko" else ["Tools", "Spaces"])
    counted = dict(zip(by_category["labels"], by_category["values"], strict=True))
    assert counted.pop("공구" if lang == "ko" else "Tools") == 2
    assert counted.pop("공간" if lang == "ko" else "Spaces") == 2
    assert list(counted.values()) == [1]  # the listing with no category
    # Downloads of each chart with its grouping.
    assert f"{data_url('csv', lang)}?by=period" in page
    assert f"{data_url('json', lang)}?by=period" in page
    assert "encoding=cp949" in page
    # No inline script: the data is JSON, the code static files.
    assert "<script>" not in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "opendata/charts.js" in page


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_chart_caption_says_each_grouping_once(client, data, lang):
    """ "Services by category by category" was seen: a caption built from a name that already
    says how it is grouped. Every chart of every indicator's page, in both languages."""
    import re
    from html import unescape

    for indicator in indicators.all_indicators():
        page = client.get(url("indicator", lang, code=indicator.code)).content.decode()
        for caption in re.findall(r"<caption[^>]*>(.*?)</caption>", page, re.S):
            text = unescape(re.sub(r"<[^>]+>", " ", caption)).split()
            if lang == "en":
                assert text.count("by") <= 1, (indicator.code, text)
            else:
                assert sum(word.endswith("별") for word in text) <= 1, (indicator.code, text)


def test_dashboard_map_colours_every_district_with_its_value(client, data):
    response = client.get(url("dashboard"), {"indicator": CODE})
    assert response.status_code == 200
    choropleth = response.context["choropleth"]
    assert choropleth.indicator.code == CODE
    values = {row.key: row.value for row in choropleth.rows}
    assert values == {"11110": 2, "11140": 2, "11170": 0}
    shades = choropleth.class_of
    assert shades["11110"] == shades["11140"] > shades["11170"]
    page = response.content.decode()
    assert 'id="district-map-data"' in page
    assert reverse("places:geojson") in page
    data_json = json.loads(
        page.split('id="district-map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data_json["districts"]["11110"]["value"] == 2
    assert data_json["districts"]["11110"]["shade"] == 4
    # The legend's swatches are the same shades.
    assert "od-shade-4" in page and "od-shade-0" in page


def test_filters_narrow_every_chart(client, data):
    response = client.get(
        url("dashboard"), {"start": "2025-02", "end": "2025-03", "district": "11140"}
    )
    assert response.status_code == 200
    charts = {
        item["chart"].by: item["chart"]
        for section in response.context["sections"]
        for entry in section["indicators"]
        if entry["indicator"].code == CODE
        for item in entry["charts"]
    }
    assert [(r.key, r.value) for r in charts["period"].rows] == [("2025-02", 1), ("2025-03", 1)]
    assert {r.key: r.value for r in charts["category"].rows} == {"spaces": 1, "": 1}
    # The map keeps every district (the district filter outlines one), within the months.
    values = {row.key: row.value for row in response.context["choropleth"].rows}
    assert values == {"11110": 1, "11140": 2, "11170": 0}
    # The download links carry the same filters.
    page = response.content.decode()
    assert "start=2025-02&amp;end=2025-03&amp;district=11140&amp;by=period" in page


def test_category_filter_and_a_category_the_indicator_lacks(client, data):
    response = client.get(url("indicator", code=CODE), {"category": "spaces"})
    assert response.status_code == 200
    charts = {item["chart"].by: item["chart"] for item in response.context["charts"]}
    assert [(r.key, r.value) for r in charts["period"].rows] == [("2025-02", 2)]
    assert {r.key: r.value for r in charts["district"].rows} == {
        "11110": 1,
        "11140": 1,
        "11170": 0,
    }


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_indicator_page_shows_definition_charts_and_tables(client, data, lang):
    indicator = indicators.get(CODE)
    response = client.get(url("indicator", lang, code=CODE))
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override(lang):
        for text in (indicator.name, indicator.definition, indicator.method, indicator.source):
            assert str(text).replace("'", "&#x27;") in page
    for by in ("period", "district", "category"):
        assert f'id="indicator-directory-listings-{by}"' in page
    assert ("종로구" if lang == "ko" else "Jongno-gu") in page
    assert page.count("<table") == 3
    assert '<link rel="alternate" type="text/csv"' in page


def test_indicator_list_names_every_indicator_with_its_metadata(client, data):
    response = client.get(url("indicators", "en"))
    assert response.status_code == 200
    page = response.content.decode()
    for indicator in indicators.all_indicators():
        with translation.override("en"):
            assert str(indicator.name).replace("'", "&#x27;") in page
        assert data_url("csv", "en", code=indicator.code) in page
    assert "<time datetime=" in page


def test_unknown_indicator_is_404(client, db):
    assert client.get(url("indicator", code="nothing.here")).status_code == 404
    assert client.get(data_url("csv", code="nothing.here")).status_code == 404
    assert client.get(data_url("json", code="nothing.here")).status_code == 404
    # Only csv and json exist.
    assert client.get(f"/ko/data/indicators/{CODE}/data.xml").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-13"}, "start"),
        ({"start": "March"}, "start"),
        ({"start": "2025-04", "end": "2025-01"}, "end"),
        ({"district": "99999"}, "district"),
        ({"category": "nope"}, "category"),
        ({"indicator": "nothing.here"}, "indicator"),
    ],
)
def test_bad_filters_are_a_400_page_with_the_field_error(client, data, params, field):
    response = client.get(url("dashboard"), params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert 'class="errorlist"' in page
    # The valid filters still apply, the page is whole.
    assert 'id="chart-directory-listings-period-box"' in page


def test_bad_filters_on_the_indicator_page_are_a_400_in_korean(client, data):
    response = client.get(url("indicator", code=CODE), {"end": "2025/01", "start": "2025-01"})
    assert response.status_code == 400
    assert "end" in response.context["form"].errors
    page = response.content.decode()
    assert "월을 YYYY-MM 형식으로" in page or "Enter a month as YYYY-MM" in page
    # A month input takes only YYYY-MM: the bad text is not written back, the good one is.
    assert 'value="2025/01"' not in page
    assert 'value="2025-01"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-00"},
        {"district": "nowhere"},
        {"by": "colour"},
        {"by": "period,period"},
        {"strat": "2025-01"},
    ],
)
def test_bad_filters_on_downloads_are_a_400_with_the_reason(client, data, params):
    response = client.get(data_url("json"), params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["errors"]
    text = client.get(data_url("csv"), params)
    assert text.status_code == 400
    assert text["Content-Type"].startswith("text/plain")


def test_unknown_csv_encoding_is_a_400(client, data):
    response = client.get(data_url("csv"), {"encoding": "latin-1"})
    assert response.status_code == 400
    assert "cp949" in response.content.decode()


# --- Downloads --------------------------------------------------------------------------------


def test_csv_download_utf8_with_bom(client, data):
    response = client.get(data_url("csv", "en"), {"by": "district"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="directory-listings.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Indicator", "District code", "District", "Value", "Unit"]
    assert rows[1:] == [
        [CODE, "11110", "Jongno-gu", "2", "listings"],
        [CODE, "11140", "Jung-gu", "2", "listings"],
    ]


def test_csv_download_cp949_for_older_excel(client, data):
    response = client.get(
        data_url("csv"), {"by": "district,category", "encoding": "cp949", "start": "2025-02"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=euc-kr"
    assert "directory-listings-cp949.csv" in response["Content-Disposition"]
    rows = read_csv(response, "cp949")
    assert [row[1:6] for row in rows[1:]] == [
        ["11110", "종로구", "spaces", "공간", "1"],
        ["11110", "종로구", "tools", "공구", "1"],
        ["11140", "중구", "spaces", "공간", "1"],
        ["11140", "중구", "", rows[4][4], "1"],
    ]


def test_csv_download_default_is_every_dimension(client, data):
    rows = read_csv(client.get(data_url("csv", "en"), {"district": "11110"}))
    assert rows[0] == [
        "Indicator",
        "Month",
        "District code",
        "District",
        "Category code",
        "Category",
        "Value",
        "Unit",
    ]
    assert [(r[1], r[2], r[4], r[6]) for r in rows[1:]] == [
        ("2025-01", "11110", "tools", "1"),
        ("2025-02", "11110", "spaces", "1"),
        ("2025-02", "11110", "tools", "1"),
    ]


def test_json_download(client, data):
    response = client.get(data_url("json", "en"), {"by": "period", "end": "2025-02"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "directory-listings.json" in response["Content-Disposition"]
    body = response.json()
    assert body["indicator"]["code"] == CODE
    assert body["indicator"]["unit"] == "listings"
    assert body["indicator"]["computed_at"]
    assert body["filters"] == {"start": None, "end": "2025-02", "district": None, "category": None}
    assert body["by"] == ["period"]
    assert body["rows"] == [{"period": "2025-01", "value": 1}, {"period": "2025-02", "value": 2}]


def test_json_download_names_districts_and_categories_in_korean(client, data):
    body = client.get(data_url("json"), {"by": "district,category", "category": "tools"}).json()
    assert body["rows"] == [
        {
            "district": "11110",
            "district_name": "종로구",
            "category": "tools",
            "category_name": "공구",
            "value": 2,
        }
    ]


def test_downloads_follow_new_data(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listing(data["yongsan"], [data["tools"]], 2025, 4)
    body = client.get(data_url("json"), {"by": "district"}).json()
    assert {row["district"]: row["value"] for row in body["rows"]}["11170"] == 1


# --- Generic indicators: another app's, without categories, a ratio, a single figure ----------


@pytest.fixture
def fake_indicators(monkeypatch, db):
    """Two indicators of another section registered for the test only: a ratio with a month
    that has no denominator, and a figure "now" with no dimension at all."""
    from decimal import Decimal

    from sharehub.opendata.indicators import engine
    from sharehub.places.models import District

    def parts(numbers):
        def compute():
            return [engine.Point(*point) for point in numbers]

        return compute

    common = {
        "group": "facilities",
        "unit": "%",
        "definition": "test",
        "method": "test",
        "source": "test",
        "sources": (District,),
    }
    top = engine.Indicator(
        code="test.top",
        name="Top",
        compute=parts([(datetime(2025, 1, 1).date(), "11110", None, 1)]),
        **common,
    )
    bottom = engine.Indicator(
        code="test.bottom",
        name="Bottom",
        compute=parts(
            [
                (datetime(2025, 1, 1).date(), "11110", None, 3),
                (datetime(2025, 2, 1).date(), "11110", None, 0),
            ]
        ),
        **common,
    )
    share = engine.Indicator(
        code="test.share",
        name="Share",
        compute=list,
        ratio_of=("test.top", "test.bottom"),
        **common,
    )
    figure = engine.Indicator(
        code="test.figure",
        name="Figure",
        compute=parts([(None, None, None, Decimal("12.5"))]),
        dimensions=(),
        **common,
    )
    for item in (top, bottom, share, figure):
        monkeypatch.setitem(engine._REGISTRY, item.code, item)
    return {"share": share, "figure": figure}


def test_ratio_without_denominator_and_single_figure(client, data, fake_indicators):
    response = client.get(url("dashboard", "en"), {"indicator": "test.share"})
    assert response.status_code == 200
    page = response.content.decode()
    share = json.loads(
        page.split('id="chart-test-share-period-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert share["values"] == [33.3, None]
    # The map: Jongno has a value, the others none (a ratio has no zero by default).
    choropleth = response.context["choropleth"]
    assert choropleth.class_of["11110"] is not None
    assert choropleth.class_of["11140"] is None
    assert choropleth.missing
    assert "od-shade-none" in page
    # A figure with no dimension is shown as a number, and downloads as one row.
    assert "12.5" in page
    body = client.get(data_url("json", code="test.figure")).json()
    assert body["rows"] == [{"value": 12.5}]


# --- Queries ----------------------------------------------------------------------------------


def count_queries(client, path: str, params: dict | None = None) -> int:
    cache.clear()  # the engine's tables are computed again: the worst case
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    ("name", "kwargs", "params"),
    [
        ("dashboard", {}, {}),
        ("dashboard", {}, {"start": "2025-01", "district": "11110", "category": "tools"}),
        ("indicators", {}, {}),
        ("indicator", {"code": CODE}, {}),
        ("indicator_data", {"code": CODE, "fmt": "csv"}, {}),
        ("indicator_data", {"code": CODE, "fmt": "json"}, {"by": "district"}),
    ],
)
@pytest.mark.usefixtures("no_page_cache")
# Committed for real: the cache follows versions that move at a commit.
@pytest.mark.django_db(transaction=True)
def test_pages_run_a_bounded_number_of_queries(client, data, name, kwargs, params):
    path = url(name, **kwargs)
    small = count_queries(client, path, params)
    for month in range(1, 13):
        for district in (data["jongno"], data["jung"], data["yongsan"]):
            listing(district, [data["tools"], data["spaces"]], 2024, month)
    large = count_queries(client, path, params)
    assert large == small
    # From the cache: the districts' names, the categories, the cache's reads and no more.
    with CaptureQueriesContext(connection) as warm:
        client.get(path, params)
    assert len(warm) <= small
    assert small <= 12 + 6 * len(indicators.all_indicators())
    # Warm, whatever the number of indicators: the page's snapshot (one query of its sources'
    # versions, one cache read of the tables), the districts' names, each set of category labels
    # once.
    assert len(warm) <= 8


def _by_category_labels(page: str) -> list[str]:
    script = page.split('id="chart-directory-listings-category-data" type="application/json">')[1]
    return json.loads(script.split("</script>")[0])["labels"]


@pytest.mark.usefixtures("no_page_cache")
# Committed for real: the kept labels follow versions that move at a commit.
@pytest.mark.django_db(transaction=True)
def test_the_labels_are_read_with_the_tables_and_follow_a_rename(client, data):
    """Warm, the dashboard reads its districts' and categories' names with its tables (the
    versions query and the cache read), in each language, and a rename shows at once."""
    client.get(url("dashboard"))
    client.get(url("dashboard", "en"))
    for lang, district, tools in (("ko", "종로구", "공구"), ("en", "Jongno-gu", "Tools")):
        with CaptureQueriesContext(connection) as warm:
            page = client.get(url("dashboard", lang)).content.decode()
        sql = " ".join(query["sql"] for query in warm.captured_queries)
        for table in ("places_district", "directory_category", "participation_policyarea"):
            assert f'FROM "{table}"' not in sql
        # The versions query, and the cache's read where the cache is the database's.
        assert sql.count('"core_pageversion"') == 1
        assert len(warm) <= 2
        assert f'<option value="11110">{district}</option>' in page
        assert _by_category_labels(page)[0] == tools
    data["jongno"].name_ko = "새 종로구"
    data["jongno"].save()
    data["tools"].name_en = "Hand tools"
    data["tools"].save()
    korean = client.get(url("dashboard")).content.decode()
    assert '<option value="11110">새 종로구</option>' in korean
    assert _by_category_labels(korean)[0] == "공구"
    english = client.get(url("dashboard", "en")).content.decode()
    assert '<option value="11110">Jongno-gu</option>' in english
    assert _by_category_labels(english)[0] == "Hand tools"


def test_labels_outside_a_snapshot_or_not_named_by_it_are_read_each_time(
    data, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert selectors.district_names()["11110"] == "종로구"
    # In a snapshot that does not name them (the API's), read as outside: no versions query.
    with indicators.snapshot([indicators.get(CODE)]), django_assert_num_queries(1):
        assert selectors.district_names()["11110"] == "종로구"


def _chart_values(page: str, dom_id: str) -> list:
    script = page.split(f'id="{dom_id}-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(script)["values"]


# Committed for real: the kept fragment follows versions that move at a commit.
@pytest.mark.django_db(transaction=True)
def test_signed_in_dashboard_kept_reads_no_figure_and_ends_at_a_write(client, data, monkeypatch):
    """Served from its kept fragment, a signed-in person's dashboard reads neither the indicators'
    tables (their versions, the cache) nor the filter form's districts and categories: all of
    them are read only when the fragment is rendered. A write to any of them ends it."""
    client.force_login(UserFactory())
    page = client.get(url("dashboard")).content.decode()
    assert _chart_values(page, "chart-directory-listings-period") == [1, 2, 1]
    assert '<option value="11110">종로구</option>' in page
    client.get(url("dashboard"))
    loads: list[int] = []
    original = engine._Snapshot.load
    monkeypatch.setattr(engine._Snapshot, "load", lambda self: loads.append(1) or original(self))
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url("dashboard")).content.decode()
    assert again.count("<canvas") == page.count("<canvas")
    assert loads == []
    sql = " ".join(query["sql"] for query in kept.captured_queries)
    for table in ("places_district", "directory_category", "directory_listing", "sharehub_cache"):
        assert f'FROM "{table}"' not in sql
    assert sql.count('"core_pageversion"') == 1  # the middleware's, for every kept part
    # A new listing (a source of the figures) and a renamed district (the form's choices).
    listing(data["jung"], [], 2025, 3)
    data["jongno"].name_ko = "새 종로구"
    data["jongno"].save()
    page = client.get(url("dashboard")).content.decode()
    assert loads
    assert _chart_values(page, "chart-directory-listings-period") == [1, 2, 2]
    assert '<option value="11110">새 종로구</option>' in page


def test_labels_read_each_indicators_categories_once(data, django_assert_max_num_queries):
    labels = selectors.Labels()
    indicator = indicators.get(CODE)
    with django_assert_max_num_queries(2):
        for _ in range(5):
            labels.categories(indicator)
            _ = labels.districts


@pytest.fixture
def shared_category(monkeypatch, data):
    """An indicator of another section whose categories share the key "tools" with the
    directory's (as a programme's "space" support shares the directory's "space")."""
    from sharehub.places.models import District

    def compute():
        return [
            engine.Point(datetime(2025, 1, 1).date(), "11110", "tools", 5),
            engine.Point(datetime(2025, 1, 1).date(), "11110", "kits", 7),
        ]

    lending = engine.Indicator(
        code="test.lending",
        group="facilities",
        name="Lending",
        unit="uses",
        definition="test",
        method="test",
        source="test",
        sources=(District,),
        compute=compute,
        dimensions=("period", "district", "category"),
        categories=lambda: {"tools": "Tool lending", "kits": "Kits"},
    )
    monkeypatch.setitem(engine._REGISTRY, lending.code, lending)
    return lending


def test_a_category_key_two_sections_share_is_one_choice_in_each(client, shared_category):
    page = client.get(url("dashboard", "en")).content.decode()
    assert '<option value="directory:tools">Tools</option>' in page
    assert '<option value="facilities:tools">Tool lending</option>' in page
    assert '<option value="spaces">Spaces</option>' in page  # only the directory's: as it was
    assert '<option value="tools">' not in page

    page = client.get(url("dashboard", "en"), {"category": "facilities:tools"}).content.decode()
    assert '<option value="facilities:tools" selected>Tool lending</option>' in page
    # The directory's listings are not narrowed by another section's category …
    assert _chart_values(page, "chart-directory-listings-period") == [1, 2, 1]
    assert "This indicator has no such category" not in page.split("chart-directory-listings")[1]
    # … the lending figures are, and its downloads carry its own key; the directory's none.
    assert _chart_values(page, "chart-test-lending-period") == [5]
    assert f"{data_url('csv', 'en', code='test.lending')}?category=tools" in page
    assert f"{data_url('csv', 'en', code=CODE)}?by=period" in page
    assert f"{data_url('csv', 'en', code=CODE)}?category" not in page

    page = client.get(url("dashboard", "en"), {"category": "directory:tools"}).content.decode()
    assert '<option value="directory:tools" selected>Tools</option>' in page
    assert _chart_values(page, "chart-directory-listings-period") == [1, 1]
    assert _chart_values(page, "chart-test-lending-period") == [12]
    # The bare key two sections share names neither: a field error, and nothing filtered
    # (never a filter the form does not show).
    response = client.get(url("dashboard", "en"), {"category": "tools"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_category_error"' in page
    assert _chart_values(page, "chart-directory-listings-period") == [1, 2, 1]
    assert _chart_values(page, "chart-test-lending-period") == [12]


def test_a_colon_is_a_section_only_before_a_sections_code(shared_category):
    categories = {"tools": "Tools", "no-such:thing": "A key with a colon"}
    lending = shared_category
    assert (
        selectors.Filters(category="facilities:tools").category_key(lending, categories) == "tools"
    )
    assert selectors.Filters(category="directory:tools").category_key(lending, categories) is None
    assert (
        selectors.Filters(category="no-such:thing").category_key(lending, categories)
        == "no-such:thing"
    )


def test_a_sections_qualified_key_means_its_bare_key_where_that_is_the_choice(
    client, shared_category
):
    """The dashboard's "<section>:<key>" pasted onto one indicator's page, or carrying a key
    only one section has, filters as the bare key; another section's stays a field error."""
    lending = shared_category
    page = client.get(
        url("indicator", "en", code=lending.code), {"category": "facilities:tools"}
    ).content.decode()
    assert '<option value="tools" selected>Tool lending</option>' in page
    assert f"{data_url('csv', 'en', code=lending.code)}?category=tools" in page
    for fmt in ("csv", "json"):
        response = client.get(
            data_url(fmt, "en", code=lending.code), {"category": "facilities:tools"}
        )
        assert response.status_code == 200
    assert response.json()["filters"]["category"] == "tools"
    assert [row["value"] for row in response.json()["rows"]] == [5]

    response = client.get(
        url("indicator", "en", code=lending.code), {"category": "directory:tools"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_category_error"' in page
    # Said as what it is, not as "directory:tools is not one of the available choices".
    assert "This category belongs to another section (Directory of sharing services)" in page
    assert "not one of the available choices" not in page
    page = client.get(
        url("indicator", "ko", code=lending.code), {"category": "directory:tools"}
    ).content.decode()
    assert "다른 부문(공유 서비스 안내)의 분류라서" in page

    # A key this section does not have is no choice, said as such (not "another section").
    response = client.get(url("indicator", "en", code=lending.code), {"category": "facilities:x"})
    assert response.status_code == 400
    assert "belongs to another section" not in response.content.decode()
    # Nor is a section's name before another section's key: never that section's filter.
    response = client.get(url("dashboard", "en"), {"category": "facilities:spaces"})
    assert response.status_code == 400
    assert '<option value="spaces" selected>' not in response.content.decode()

    # On the dashboard, a key only the directory has, qualified, is the directory's choice.
    page = client.get(url("dashboard", "en"), {"category": "directory:spaces"}).content.decode()
    assert '<option value="spaces" selected>Spaces</option>' in page
    # The dashboard says that a category filters its own section only; one indicator's page,
    # with one section, does not need to.
    assert "Filters the figures of its own section only." in page
    page = client.get(url("indicator", "en", code=lending.code)).content.decode()
    assert "Filters the figures of its own section only." not in page
