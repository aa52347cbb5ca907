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
def test_home_links_the_first_districts_by_korean_name_in_the_readers_language(client):
    from sharehub.places.tests.factories import DistrictFactory

    DistrictFactory(slug="jung", name_ko="중구", name_en="Jung-gu")
    DistrictFactory(slug="gangnam", name_ko="강남구", name_en="")  # no English name yet
    for n in range(30):
        DistrictFactory(slug=f"z{n:02d}", name_ko=f"힣{n:02d}", name_en=f"Z{n:02d}")
    korean = client.get("/ko/").content.decode()
    english = client.get("/en/").content.decode()
    assert korean.index(">강남구</a>") < korean.index(">중구</a>")
    assert 'href="/en/districts/gangnam/">강남구</a>' in english  # the Korean name stands in
    assert 'href="/en/districts/jung/">Jung-gu</a>' in english
    # 25 at most: the first 23 of the thirty after the two.
    assert ">Z22</a>" in english and ">Z23</a>" not in english
