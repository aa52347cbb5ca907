import re

import pytest

from .factories import TopicFactory


@pytest.fixture
def topics(db):
    return [
        TopicFactory(slug="sharing-city", name_ko="공유도시 소식", name_en="Sharing City news"),
        TopicFactory(
            slug="district-events", name_ko="우리 동네 행사", name_en="Events in my district"
        ),
        TopicFactory(
            slug="enterprises", name_ko="공유기업 지원", name_en="For sharing enterprises"
        ),
    ]


@pytest.fixture
def fast_sending(settings):
    settings.SHAREHUB_NEWSLETTER_RATE = 0
    settings.SHAREHUB_NEWSLETTER_BATCH_SIZE = 50


def text_of(message) -> str:
    """The plain-text part of a received mail."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, kind: str) -> str:
    """The first /newsletters/<kind>/<token>/ address in the mail's text."""
    match = re.search(rf"https?://\S+/newsletters/{kind}/[^/\s]+/", text_of(message))
    assert match, text_of(message)
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
