from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.periodic import registered_jobs
from sharehub.moderation import services as moderation_services
from sharehub.news import services
from sharehub.news.demo import MILESTONES_CSV, load_demo, load_milestones
from sharehub.news.filters import ArticleFilterForm
from sharehub.news.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    DatePrecision,
    Milestone,
    Page,
    Tag,
)
from sharehub.news.privacy_data import erase_articles, export_articles
from sharehub.news.selectors import public_articles
from sharehub.news.tasks import announce_scheduled_articles
from sharehub.notifications.models import Notification
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    image_bytes,
    noisy_png,
)
from sharehub.search.selectors import autocomplete

from .factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db


def _filters(params: dict) -> dict:
    return ArticleFilterForm(params).applied()


def upload(data: bytes, name: str = "cover.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def story(member, organization, **fields) -> Article:
    return services.create_article(
        actor=member,
        kind=ArticleKind.STORY,
        organization=organization,
        title_ko="우리 단체 이야기",
        **fields,
    )


class TestWriting:
    def test_editor_writes_any_kind_and_the_text_is_sanitized(self, editor):
        article = services.create_article(
            actor=editor,
            kind=ArticleKind.POLICY,
            title_ko="공유 정책",
            title_en="Sharing policy",
            body_ko='<p onclick="steal()">안녕<script>alert(1)</script></p><a href="javascript:alert(1)">링크</a>',
            tags=["정책", "policy", "정책"],
        )
        assert article.status == ArticleStatus.DRAFT
        assert "<script" not in article.body_ko and "alert(1)" not in article.body_ko
        assert "onclick" not in article.body_ko and "javascript:" not in article.body_ko
        assert "<p>안녕</p>" in article.body_ko
        assert article.slug == "sharing-policy"
        assert sorted(tag.slug for tag in article.tags.all()) == ["policy", "정책"]
        assert not article.is_public

    def test_slugs_stay_unique(self, editor):
        first = services.create_article(actor=editor, title_ko="가", title_en="Same title")
        second = services.create_article(actor=editor, title_ko="나", title_en="Same title")
        korean = services.create_article(actor=editor, title_ko="공유 도시")
        assert first.slug == "same-title" and second.slug == "same-title-2"
        assert korean.slug == "gongyu-dosi"  # romanized (core.slugs)

    def test_member_writes_stories_of_their_organization_only(self, member, organization):
        article = story(member, organization)
        assert article.created_by == member and article.organization == organization
        with pytest.raises(ValidationError) as error:
            services.create_article(
                actor=member, kind=ArticleKind.NEWS, organization=organization, title_ko="소식"
            )
        assert "kind" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            story(member, OrganizationFactory())
        with pytest.raises(PermissionDenied):
            services.create_article(actor=member, kind=ArticleKind.STORY, title_ko="시의 글")

    def test_citizens_and_anonymous_cannot_write(self, user, organization):
        with pytest.raises(PermissionDenied):
            story(user, organization)
        with pytest.raises(PermissionDenied):
            services.create_article(actor=None, title_ko="x")

    def test_required_title_and_valid_licence(self, editor):
        with pytest.raises(ValidationError) as error:
            services.create_article(actor=editor, title_ko="", licence="gpl")
        assert set(error.value.message_dict) >= {"title_ko", "licence"}
        assert not Article.objects.exists()

    def test_member_edits_a_draft_but_not_once_submitted(self, member, organization):
        article = story(member, organization)
        services.update_article(
            actor=member,
            article=article,
            title_en="Our story",
            body_en="<p>x<script>y</script></p>",
        )
        article.refresh_from_db()
        assert article.title_en == "Our story" and article.body_en == "<p>x</p>"
        services.submit_article(actor=member, article=article)
        with pytest.raises(PermissionDenied):
            services.update_article(actor=member, article=article, title_en="Changed")

    def test_member_cannot_move_a_story_to_another_organization(self, member, organization):
        article = story(member, organization)
        with pytest.raises(PermissionDenied):
            services.update_article(
                actor=member, article=article, organization=OrganizationFactory()
            )


class TestCoverImage:
    def test_a_cover_needs_its_text_alternative(self, editor, settings):
        with pytest.raises(ValidationError) as error:
            services.create_article(
                actor=editor, title_ko="표지", cover_image=upload(image_bytes())
            )
        assert "cover_alt_ko" in error.value.message_dict
        assert not Article.objects.exists() and stored_files(settings) == []

    def test_cover_is_reencoded_and_kept(self, editor, settings):
        article = services.create_article(
            actor=editor,
            title_ko="표지",
            cover_image=upload(image_bytes(size=(3000, 1000))),
            cover_alt_ko="공유 창고 사진",
        )
        assert article.cover_image.name.startswith("news/covers/")
        assert article.cover_image.width == services.COVER_MAX_SIDE
        assert len(stored_files(settings)) == 1

    def test_oversize_and_fake_images_are_refused_with_nothing_kept(self, editor, settings):
        with pytest.raises(ValidationError) as error:
            services.create_article(
                actor=editor,
                title_ko="큰 그림",
                cover_image=upload(noisy_png(services.COVER_MAX_BYTES + 1)),
                cover_alt_ko="그림",
            )
        assert "cover_image" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.create_article(
                actor=editor,
                title_ko="가짜",
                cover_image=upload(b"<script>x</script>"),
                cover_alt_ko="x",
            )
        assert error.value.message_dict["cover_image"]
        assert not Article.objects.exists() and stored_files(settings) == []

    def test_a_failed_write_leaves_no_orphan_file(self, editor, settings, monkeypatch):
        def broken(article):
            raise RuntimeError("index down")

        monkeypatch.setattr(services, "reindex_article", broken)
        with pytest.raises(RuntimeError):
            services.create_article(
                actor=editor,
                title_ko="표지",
                cover_image=upload(image_bytes()),
                cover_alt_ko="사진",
            )
        assert not Article.objects.exists()
        assert stored_files(settings) == []

    def test_replacing_and_deleting_remove_the_old_file(
        self, editor, settings, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            article = services.create_article(
                actor=editor,
                title_ko="표지",
                cover_image=upload(image_bytes()),
                cover_alt_ko="사진",
            )
        first = article.cover_image.name
        with django_capture_on_commit_callbacks(execute=True):
            article = services.update_article(
                actor=editor, article=article, cover_image=upload(image_bytes(fmt="JPEG"))
            )
        assert article.cover_image.name != first
        assert [path.name for path in stored_files(settings)] == [
            Path(article.cover_image.name).name
        ]
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_article(actor=editor, article=article)
        assert stored_files(settings) == []


class TestWorkflow:
    def test_submit_tells_the_editors(
        self, member, organization, editor, django_capture_on_commit_callbacks
    ):
        article = story(member, organization)
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_article(actor=member, article=article)
        assert article.status == ArticleStatus.REVIEW
        notification = Notification.objects.get(user=editor, kind="news.review")
        assert "우리 단체 이야기" in notification.title
        with pytest.raises(ValidationError):
            services.submit_article(actor=member, article=article)

    def test_notices_are_written_inside_the_decision(
        self, member, organization, editor, monkeypatch
    ):
        """The side-effect rule: the notification rows commit or roll back with the transition."""
        article = story(member, organization)
        services.submit_article(actor=member, article=article)
        assert Notification.objects.filter(user=editor, kind="news.review").count() == 1

        def broken(*args):  # fails after the author's notice was written
            raise RuntimeError("late failure")

        monkeypatch.setattr(services, "_sync", broken)
        with pytest.raises(RuntimeError):
            services.publish_article(actor=editor, article=article)
        assert not Notification.objects.filter(user=member).exists()
        article.refresh_from_db()
        assert article.status == ArticleStatus.REVIEW

    @pytest.mark.parametrize("role", ["member", "other_member", "citizen", "moderator"])
    def test_only_editors_publish(self, role, actors, member, organization):
        article = story(member, organization)
        services.submit_article(actor=member, article=article)
        with pytest.raises(PermissionDenied):
            services.publish_article(actor=actors[role], article=article)
        article.refresh_from_db()
        assert article.status == ArticleStatus.REVIEW

    def test_editor_publishes_and_the_author_is_told(
        self, member, organization, editor, django_capture_on_commit_callbacks
    ):
        article = story(member, organization)
        services.submit_article(actor=member, article=article)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_article(actor=editor, article=article)
        article.refresh_from_db()
        assert (
            article.is_public
            and article.published_by == editor
            and article.announced_at is not None
        )
        assert Notification.objects.filter(user=member, kind="news.decision").count() == 1
        assert list(Article.objects.public()) == [article]
        with pytest.raises(ValidationError):
            services.publish_article(actor=editor, article=article)

    def test_scheduled_article_appears_when_due_and_is_announced_once(
        self, member, organization, editor, django_capture_on_commit_callbacks
    ):
        article = story(member, organization)
        services.submit_article(actor=member, article=article)
        later = timezone.now() + timedelta(days=2)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_article(actor=editor, article=article, publish_at=later)
        article.refresh_from_db()
        assert article.is_scheduled and not article.is_public
        assert not Article.objects.public().exists()
        assert services.announce_due_articles() == 0
        told = Notification.objects.filter(user=member, kind="news.decision")
        assert told.count() == 1  # "scheduled"
        due = later + timedelta(minutes=1)
        assert list(Article.objects.public(now=due)) == [article]
        with django_capture_on_commit_callbacks(execute=True):
            assert services.announce_due_articles(now=due) == 1
            assert services.announce_due_articles(now=due) == 0
        assert told.count() == 2  # and "published", once

    def test_naive_publication_time_is_a_field_error(self, editor):
        article = ArticleFactory(status=ArticleStatus.DRAFT, publish_at=None)
        with pytest.raises(ValidationError) as error:
            services.publish_article(
                actor=editor, article=article, publish_at=timezone.now().replace(tzinfo=None)
            )
        assert "publish_at" in error.value.message_dict

    def test_return_needs_a_note_and_makes_a_draft_again(
        self, member, organization, editor, django_capture_on_commit_callbacks
    ):
        article = story(member, organization)
        services.submit_article(actor=member, article=article)
        with pytest.raises(ValidationError) as error:
            services.return_article(actor=editor, article=article, note="  ")
        assert "note" in error.value.message_dict
        with django_capture_on_commit_callbacks(execute=True):
            services.return_article(actor=editor, article=article, note="사진 설명을 더해 주세요.")
        article.refresh_from_db()
        assert (
            article.status == ArticleStatus.DRAFT
            and article.review_note == "사진 설명을 더해 주세요."
        )
        assert "사진 설명" in Notification.objects.get(user=member, kind="news.decision").body
        services.update_article(actor=member, article=article, title_en="Fixed")

    def test_unpublish_and_moderator_hide(self, editor, moderator):
        article = ArticleFactory()
        moderation_services.hide(actor=moderator, obj=article, reason="개인정보 노출")
        assert not Article.objects.public().exists()
        moderation_services.restore(actor=moderator, obj=article)
        assert Article.objects.public().exists()
        services.unpublish_article(actor=editor, article=article)
        assert not Article.objects.public().exists()
        with pytest.raises(PermissionDenied):
            services.unpublish_article(actor=moderator, article=article)

    def test_delete_rules(self, member, organization, editor):
        draft = story(member, organization)
        services.delete_article(actor=member, article=draft)
        published = ArticleFactory(organization=organization, created_by=member)
        with pytest.raises(PermissionDenied):
            services.delete_article(actor=member, article=published)
        services.delete_article(actor=editor, article=published)
        assert not Article.objects.exists()


class TestSearch:
    def test_korean_word_with_a_particle_finds_the_article(self, editor):
        article = services.create_article(
            actor=editor,
            title_ko="면접 정장 나눔",
            body_ko="<p>청년에게 정장을 빌려줍니다.</p>",
            title_en="Suits",
        )
        services.create_article(actor=editor, title_ko="자전거 공유", body_ko="<p>따릉이</p>")
        for draft in Article.objects.all():
            services.publish_article(actor=editor, article=draft)
        found = list(public_articles(_filters({"q": "정장을"})).queryset)
        assert found == [article]
        found = list(public_articles(_filters({"q": "정장이"})).queryset)
        assert found == [article]

    def test_unpublished_articles_are_never_found(self, editor):
        services.create_article(actor=editor, title_ko="비밀 정장 계획")
        assert list(public_articles(_filters({"q": "정장"})).queryset) == []


class TestPagesAndMilestones:
    def test_only_editors_edit_pages_and_html_is_sanitized(self, editor, member):
        page = PageFactory()
        with pytest.raises(PermissionDenied):
            services.update_page(actor=member, page=page, title_ko="바뀜")
        page = services.update_page(
            actor=editor, page=page, body_ko="<h2>안내</h2><script>x()</script>"
        )
        assert page.body_ko == "<h2>안내</h2>" and page.updated_by == editor

    def test_milestones_load_once_with_their_precision(self, settings):

        assert load_milestones() == 21
        assert load_milestones() == 0
        assert Milestone.objects.count() == 21
        assert Milestone.objects.get(date="2013-06-01").precision == DatePrecision.MONTH
        assert Milestone.objects.get(date="2016-01-01").precision == DatePrecision.YEAR
        declaration = Milestone.objects.get(date="2012-09-20")
        assert (
            "공유도시 서울" in declaration.event_ko and "Sharing City Seoul" in declaration.event_en
        )
        assert MILESTONES_CSV.exists()

    def test_a_bad_date_is_a_clear_error(self, tmp_path):
        path = tmp_path / "m.csv"
        path.write_text(
            "date,event_en,headline_figure,source\n2013-13-40,Oops,,\n", encoding="utf-8"
        )
        with pytest.raises(ValidationError) as error:
            services.import_milestones(path=path)
        assert "2013-13-40" in error.value.message_dict["date"][0]


def test_demo_loads_once(db):

    staff = UserFactory(is_city_staff=True)
    member = UserFactory()
    MembershipFactory(
        organization=OrganizationFactory(name_en="Open Closet", name_ko="열린옷장"),
        user=member,
        role=MemberRole.OWNER,
    )
    accounts = {"staff@sharehub.example": staff, "member@sharehub.example": member}
    created = load_demo(accounts=accounts)
    assert created == 21 + 5 + 11 + 10 + 1  # milestones, pages, tags, articles, one in review
    assert load_demo(accounts=accounts) == 0
    # Each tag is one tag in both languages, not a Korean one and an English one side by side.
    tags = Tag.objects.filter(articles__isnull=False).distinct()
    assert tags.count() == 11 and not tags.filter(name_en="").exists()
    assert not Tag.objects.filter(name_ko__regex=r"^[a-z-]+$").exists()
    assert Article.objects.public().count() == 10
    assert Article.objects.filter(status=ArticleStatus.REVIEW, created_by=member).count() == 1
    assert set(Article.objects.values_list("licence", flat=True)) == {
        "cc-by-4.0",
        "cc-by-sa-4.0",
        "cc0-1.0",
        "all-rights-reserved",
    }
    assert all(article.title_en for article in Article.objects.all())


def test_privacy_export_and_erase(member, organization):

    article = story(member, organization)
    assert export_articles(member)[0]["title_ko"] == "우리 단체 이야기"
    erase_articles(member)
    article.refresh_from_db()
    assert article.created_by is None


class TestSearchIndex:
    """The shared autocomplete answers anyone: only public articles may be in the index."""

    def titles(self, prefix: str) -> list[str]:

        return autocomplete(prefix, model=Article)

    def test_drafts_and_scheduled_articles_stay_out_until_public(self, editor, moderator):
        draft = services.create_article(actor=editor, title_ko="비밀계획 초안")
        assert self.titles("비밀계") == []
        later = timezone.now() + timedelta(hours=1)
        services.publish_article(actor=editor, article=draft, publish_at=later)
        assert self.titles("비밀계") == []
        services.announce_due_articles(now=later + timedelta(minutes=1))
        # The task ran "later": by the real clock the article is not yet due, so it stays out.
        assert self.titles("비밀계") == []
        Article.objects.filter(pk=draft.pk).update(
            publish_at=timezone.now() - timedelta(minutes=1), announced_at=None
        )
        assert services.announce_due_articles() == 1
        assert self.titles("비밀계") == ["비밀계획 초안"]
        draft.refresh_from_db()
        moderation_services.hide(actor=moderator, obj=draft, reason="잘못된 정보")
        assert self.titles("비밀계") == []
        moderation_services.restore(actor=moderator, obj=draft)
        assert self.titles("비밀계") == ["비밀계획 초안"]
        services.unpublish_article(actor=editor, article=draft)
        assert self.titles("비밀계") == []

    def test_the_periodic_task_is_registered_and_runs(self, editor):

        assert "news.announce_scheduled" in {job.name for job in registered_jobs()}
        article = ArticleFactory(announced_at=None)
        result = announce_scheduled_articles.enqueue()
        assert result.return_value == 1
        article.refresh_from_db()
        assert article.announced_at is not None


def test_load_milestones_command(db):

    call_command("load_milestones", verbosity=0)
    call_command("load_milestones", verbosity=0)
    assert Milestone.objects.count() == 21


def test_any_save_sanitizes_the_rich_text(db):
    """The admin and the shell write through the model: it cleans the text too."""

    article = ArticleFactory(
        body_ko='<p>본문</p><script>alert(1)</script><iframe src="https://evil.example"></iframe>'
    )
    page = Page.objects.create(
        slug="about", title_ko="안내", body_en='<a href="javascript:x()" onclick="y()">link</a>'
    )
    article.refresh_from_db()
    page.refresh_from_db()
    assert article.body_ko == "<p>본문</p>"
    assert "javascript" not in page.body_en and "onclick" not in page.body_en
