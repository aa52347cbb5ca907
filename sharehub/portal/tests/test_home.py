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
