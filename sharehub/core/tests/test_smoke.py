import pytest


@pytest.mark.django_db
def test_home_renders_in_both_languages(client):
    for lang, word in (("ko", "공유"), ("en", "Share")):
        response = client.get(f"/{lang}/")
        assert response.status_code == 200
        assert word in response.content.decode()


def test_tasks_backend_is_immediate_in_tests(settings):
    assert "Immediate" in settings.TASKS["default"]["BACKEND"]
