from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from sharehub.news.models import Article, ArticleKind, ArticleStatus, Page, Tag


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name_ko = factory.Sequence(lambda n: f"태그{n}")
    name_en = factory.Sequence(lambda n: f"Tag {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A public article unless told otherwise."""

    class Meta:
        model = Article

    kind = ArticleKind.NEWS
    slug = factory.Sequence(lambda n: f"article-{n}")
    title_ko = factory.Sequence(lambda n: f"공유 소식 {n}")
    title_en = factory.Sequence(lambda n: f"Sharing news {n}")
    summary_ko = "서울의 공유 소식입니다."
    summary_en = "News of sharing in Seoul."
    body_ko = "<p>이웃과 물건을 나눕니다.</p>"
    body_en = "<p>Neighbours share things.</p>"
    status = ArticleStatus.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"page-{n}")
    title_ko = factory.Sequence(lambda n: f"안내 {n}")
    title_en = factory.Sequence(lambda n: f"Guide {n}")
    body_ko = "<p>공유도시 서울</p>"
    body_en = "<p>Sharing City Seoul</p>"
