"""The synonym dictionary: city staff edit it (page and API), every change is audited, and the
next search reads it on both databases without reindexing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sharehub.core.models import AuditEntry
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.search import services
from sharehub.search.models import SynonymGroup
from sharehub.search.selectors import read_query, search
from sharehub.search.services import index_object

pytestmark = pytest.mark.django_db


def ids(hits) -> list[int]:
    return [hit.object_id for hit in hits]


def test_the_seed_has_the_everyday_words_of_sharing():
    groups = [set(words) for words in SynonymGroup.objects.values_list("words", flat=True)]
    for expected in [
        {"대여", "빌리기", "빌려주기", "렌탈", "대관", "공유", "나눔"},
        {"아이", "어린이", "아동", "유아"},
        {"옷", "의류", "정장"},
        {"공구", "도구"},
        {"자전거", "따릉이"},
        {"셰어하우스", "쉐어하우스", "공유주택"},
        {"주차", "주차장"},
        {"차", "자동차", "카"},
        {"카풀", "승차공유"},
        {"책", "도서"},
        {"장난감", "완구"},
    ]:
        assert any(expected <= group for group in groups), expected


def test_a_new_group_applies_to_the_next_search_and_a_deleted_one_stops(
    searchable_organizations, city_staff
):
    gear = OrganizationFactory(name_ko="마을창고", description_ko="텐트와 침낭을 빌려 드립니다.")
    index_object(gear)
    assert search("야영 장비", model=Organization) == []
    group = services.create_synonym_group(actor=city_staff, words="야영, 캠핑, 텐트")
    assert ids(search("야영", model=Organization)) == [gear.pk]
    services.update_synonym_group(actor=city_staff, group=group, words=["야영", "캠핑"])
    assert search("야영", model=Organization) == []
    services.update_synonym_group(actor=city_staff, group=group, words=["야영", "텐트"])
    assert ids(search("야영", model=Organization)) == [gear.pk]
    services.delete_synonym_group(actor=city_staff, group=group)
    assert search("야영", model=Organization) == []
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "search.synonyms_created",
        "search.synonyms_updated",
        "search.synonyms_updated",
        "search.synonyms_deleted",
    ]


@pytest.mark.parametrize(
    "words,message",
    [
        ("텐트", "at least two"),
        ("텐트, 텐트", "at least two"),
        ("빌리기, 빌려주기", "at least two"),  # one verb, two spellings
        ("텐트, ???", "no letters"),
        ("텐트, " + "가" * 41, "under 40"),
        (", ".join(f"단어{i}" for i in range(31)), "at most 30"),
    ],
)
def test_bad_words_are_field_errors(city_staff, words, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.create_synonym_group(actor=city_staff, words=words)
    assert message in " ".join(error.value.message_dict["words"])


def test_the_same_group_twice_is_refused(city_staff):
    services.create_synonym_group(actor=city_staff, words="텐트, 천막")
    with pytest.raises(ValidationError) as error:
        services.create_synonym_group(actor=city_staff, words=["천막", "텐트"])
    assert "words" in error.value.message_dict


def test_only_city_staff_edit_the_dictionary(user, moderator):
    group = SynonymGroup.objects.first()
    for actor in (None, user, moderator):
        with pytest.raises(PermissionDenied):
            services.create_synonym_group(actor=actor, words="텐트, 천막")
        with pytest.raises(PermissionDenied):
            services.update_synonym_group(actor=actor, group=group, note="x")
        with pytest.raises(PermissionDenied):
            services.delete_synonym_group(actor=actor, group=group)
    assert not AuditEntry.objects.exists()


# --- the staff page --------------------------------------------------------------------------
def test_staff_page_lists_adds_edits_and_deletes(client, city_staff):
    client.force_login(city_staff)
    page = client.get("/ko/search/synonyms/")
    assert page.status_code == 200 and "빌려주기" in page.content.decode()
    bad = client.post("/ko/search/synonyms/", {"words": "텐트", "note": ""})
    assert bad.status_code == 400
    assert "같은 뜻의 낱말을 두 개 이상" in bad.content.decode()
    response = client.post("/ko/search/synonyms/", {"words": "텐트, 천막", "note": "텐트 묶음"})
    assert response.status_code == 302
    group = SynonymGroup.objects.get(note="텐트 묶음")
    assert group.words == ["텐트", "천막"]
    edit = client.get(f"/ko/search/synonyms/{group.pk}/")
    assert "텐트, 천막" in edit.content.decode()
    response = client.post(f"/ko/search/synonyms/{group.pk}/", {"words": "텐트, 천막, tent"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.words == ["텐트", "천막", "tent"]
    assert "텐트 · 천막 · tent" in client.get(f"/ko/search/synonyms/{group.pk}/").content.decode()
    assert client.get(f"/en/search/synonyms/{group.pk}/delete/").status_code == 200
    assert client.post(f"/en/search/synonyms/{group.pk}/delete/").status_code == 302
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()


@pytest.mark.parametrize("who", ["anonymous", "citizen", "moderator"])
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", ""),
        ("post", ""),
        ("get", "{pk}/"),
        ("post", "{pk}/"),
        ("get", "{pk}/delete/"),
        ("post", "{pk}/delete/"),
    ],
)
def test_staff_pages_are_refused_to_others(client, user, moderator, who, method, path):
    group = SynonymGroup.objects.first()
    if who != "anonymous":
        client.force_login(user if who == "citizen" else moderator)
    response = getattr(client, method)(
        "/ko/search/synonyms/" + path.format(pk=group.pk), {"words": "가나, 다라"}
    )
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert SynonymGroup.objects.filter(pk=group.pk, words=group.words).exists()
    assert not AuditEntry.objects.exists()


def test_missing_group_is_404(client, city_staff):
    client.force_login(city_staff)
    assert client.get("/ko/search/synonyms/999999/").status_code == 404
    assert client.post("/ko/search/synonyms/999999/delete/").status_code == 404


# --- the API ---------------------------------------------------------------------------------
def _json(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content
    return json.loads(response.content)


def test_api_reads_are_public(client):
    body = _json(client.get("/api/v1/search/synonyms"))
    assert body["count"] == SynonymGroup.objects.count() and body["results"][0]["words"]
    group = SynonymGroup.objects.first()
    assert _json(client.get(f"/api/v1/search/synonyms/{group.pk}"))["words"] == group.words
    assert client.get("/api/v1/search/synonyms/999999").status_code == 404


def test_api_writes_for_city_staff(client, city_staff):
    client.force_login(city_staff)
    created = client.post(
        "/api/v1/search/synonyms",
        {"words": ["텐트", "천막"], "note": "캠핑"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = _json(created)["id"]
    patched = client.patch(
        f"/api/v1/search/synonyms/{pk}", {"note": "야영"}, content_type="application/json"
    )
    assert patched.status_code == 200 and _json(patched)["note"] == "야영"
    bad = client.patch(
        f"/api/v1/search/synonyms/{pk}",
        {"words": ["텐트"]},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "at least two" in " ".join(_json(bad)["errors"]["words"])
    assert client.delete(f"/api/v1/search/synonyms/{pk}").status_code == 204
    assert not SynonymGroup.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action__startswith="search.synonyms_").count() == 3


def test_api_writes_refused_to_others(client, user):
    group = SynonymGroup.objects.first()
    anonymous = client.post(
        "/api/v1/search/synonyms", {"words": ["a1", "b2"]}, content_type="application/json"
    )
    assert anonymous.status_code == 401 and "detail" in _json(anonymous)
    client.force_login(user)
    for response in [
        client.post(
            "/api/v1/search/synonyms", {"words": ["a1", "b2"]}, content_type="application/json"
        ),
        client.patch(
            f"/api/v1/search/synonyms/{group.pk}", {"note": "x"}, content_type="application/json"
        ),
        client.delete(f"/api/v1/search/synonyms/{group.pk}"),
    ]:
        assert response.status_code == 403 and "detail" in _json(response)
    assert not AuditEntry.objects.exists()


def test_a_renamed_district_is_read_at_the_next_search(district):
    assert read_query(f"{district.name_ko} 공구").districts == [district.code]
    district.name_ko = "새이름구"
    district.save()
    assert read_query("새이름구 공구").districts == [district.code]
