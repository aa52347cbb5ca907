import pytest

from sharehub.events.tests.factories import EventFactory
from sharehub.news.tests.factories import ArticleFactory


@pytest.mark.django_db
def test_home_renders_in_both_languages(client):
    for lang, word in (("ko", "공유"), ("en", "Share")):
        response = client.get(f"/{lang}/")
        assert response.status_code == 200
        assert word in response.content.decode()


@pytest.mark.django_db
def test_home_shows_coming_events_and_latest_news_in_bounded_queries(
    client, django_assert_max_num_queries
):
    ArticleFactory.create_batch(5)
    EventFactory.create_batch(5)
    client.get("/ko/")  # warm the caches the layout uses (languages, districts)
    with django_assert_max_num_queries(12):
        response = client.get("/en/")
    page = response.content.decode()
    assert "Coming up" in page and "Latest news" in page
    assert page.count('class="card article-card"') == 3
    assert "Sharing news" in page


@pytest.mark.django_db
def test_home_links_the_first_districts_by_the_name_the_reader_sees(client):
    from sharehub.places.tests.factories import DistrictFactory

    DistrictFactory(slug="jung", name_ko="중구", name_en="Jung-gu")
    DistrictFactory(slug="acha", name_ko="아차구", name_en="Acha-gu")
    DistrictFactory(slug="gangnam", name_ko="강남구", name_en="")  # no English name yet
    korean = client.get("/ko/").content.decode()
    english = client.get("/en/").content.decode()
    assert korean.index(">강남구</a>") < korean.index(">아차구</a>") < korean.index(">중구</a>")
    assert english.index(">Acha-gu</a>") < english.index(">Jung-gu</a>")
    # The Korean name stands in where the English one is missing, and sorts as written.
    assert english.index(">Jung-gu</a>") < english.index('href="/en/districts/gangnam/">강남구</a>')


@pytest.mark.django_db
def test_home_links_25_districts_at_most(client):
    from sharehub.places.tests.factories import DistrictFactory

    for n in range(30):
        DistrictFactory(slug=f"d{n:02d}", name_ko=f"구{n:02d}", name_en=f"D{n:02d}")
    for lang in ("ko", "en"):
        page = client.get(f"/{lang}/").content.decode()
        section = page.split('id="districts-heading"')[1].split("</section>")[0]
        assert section.count(f'href="/{lang}/districts/') == 25
        assert ">D24</a>" in section or ">구24</a>" in section
