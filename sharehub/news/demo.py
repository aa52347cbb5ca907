"""Demo data for the news app, loaded by `manage.py load_demo` (sharehub.core.demo): the city's five
pages, the milestones of the sharing city (data/sharing-city-milestones.csv) and ten bilingual
articles. Everything is looked up first, so a second run creates nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sharehub.directory.models import Listing
from sharehub.organizations.models import Organization

from . import services
from .demo_content import ARTICLES, MILESTONES_KO, PAGES, TAGS
from .models import Article, ArticleKind, Page, Tag

WAITING_TITLE = "정장 기증자에게 받은 편지"
MILESTONES_CSV = Path(settings.BASE_DIR) / "data" / "sharing-city-milestones.csv"


def load_milestones() -> int:
    return services.import_milestones(path=MILESTONES_CSV, korean=MILESTONES_KO)


@transaction.atomic
def load_demo(*, accounts: dict) -> int:
    """Create the demo objects once (safe to run twice); returns how many were created."""
    staff = accounts["staff@sharehub.example"]
    member = accounts["member@sharehub.example"]
    created = load_milestones()
    for fields in PAGES:
        fields = dict(fields)
        slug = fields.pop("slug")
        if Page.objects.filter(slug=slug).exists():
            continue
        services.create_page(actor=staff, slug=slug, **fields)
        created += 1
    for slug, name_ko, name_en in TAGS:
        # Before the articles, which find their tags by the Korean name.
        _, made = Tag.objects.get_or_create(
            name_ko=name_ko, defaults={"slug": slug, "name_en": name_en}
        )
        created += made
    now = timezone.now()
    for (
        kind,
        org_name,
        licence,
        tags,
        days_ago,
        title_ko,
        title_en,
        summary_ko,
        summary_en,
        body_ko,
        body_en,
    ) in ARTICLES:
        if Article.objects.filter(title_ko=title_ko).exists():
            continue
        organization = Organization.objects.filter(name_en=org_name).first() if org_name else None
        # Open Closet's story is written by its own member and goes through review, like any story.
        author = member if organization is not None and org_name == "Open Closet" else staff
        article = services.create_article(
            actor=author,
            kind=kind,
            organization=organization,
            licence=licence,
            tags=tags,
            listings=list(Listing.objects.filter(organization=organization))
            if organization
            else [],
            districts=[organization.district] if organization and organization.district_id else [],
            title_ko=title_ko,
            title_en=title_en,
            summary_ko=summary_ko,
            summary_en=summary_en,
            body_ko=body_ko,
            body_en=body_en,
        )
        if author is not staff:
            services.submit_article(actor=author, article=article)
        services.publish_article(actor=staff, article=article)
        Article.objects.filter(pk=article.pk).update(
            publish_at=now - timedelta(days=days_ago, hours=3)
        )
        created += 1
    if not Article.objects.filter(title_ko=WAITING_TITLE).exists():
        # One story waits for the editors, so the review queue is not empty in the demo.
        organization = Organization.objects.filter(name_en="Open Closet").first()
        if organization is not None:
            article = services.create_article(
                actor=member,
                kind=ArticleKind.STORY,
                organization=organization,
                tags=["정장"],
                title_ko=WAITING_TITLE,
                title_en="Letters from the donors of suits",
                summary_ko="정장과 함께 온 기증자의 편지들을 모았습니다.",
                summary_en="The letters that came with donated suits.",
                body_ko="<p>기증된 정장마다 편지가 함께 옵니다. 그 가운데 몇 통을 소개합니다.</p>",
                body_en="<p>Every donated suit comes with a letter. Here are a few of them.</p>",
            )
            services.submit_article(actor=member, article=article)
            created += 1
    return created
