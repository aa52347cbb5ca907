from django.urls import path

from . import feeds
from .views import editor, pages, public

app_name = "news"
urlpatterns = [
    path("", public.article_list, name="list"),
    path("feed/rss/", feeds.ArticlesFeed(), name="rss"),
    path("feed/atom/", feeds.AtomArticlesFeed(), name="atom"),
    path("tags/<str:slug>/feed/rss/", feeds.TagFeed(), name="tag_rss"),
    path("tags/<str:slug>/feed/atom/", feeds.AtomTagFeed(), name="tag_atom"),
    path("organizations/<str:slug>/feed/rss/", feeds.OrganizationFeed(), name="organization_rss"),
    path(
        "organizations/<str:slug>/feed/atom/",
        feeds.AtomOrganizationFeed(),
        name="organization_atom",
    ),
    path("write/", editor.article_create, name="create"),
    path("desk/", editor.desk, name="desk"),
    path("write/listings/", editor.listing_choices, name="listing_choices"),
    path("write/tags/", editor.tag_choices, name="tag_choices"),
    path("articles/<str:slug>/", public.article_detail, name="detail"),
    path("articles/<str:slug>/edit/", editor.article_edit, name="edit"),
    path("articles/<str:slug>/submit/", editor.article_submit, name="submit"),
    path("articles/<str:slug>/review/", editor.article_review, name="review"),
    path("articles/<str:slug>/publish/", editor.article_publish, name="publish"),
    path("articles/<str:slug>/return/", editor.article_return, name="return"),
    path("articles/<str:slug>/unpublish/", editor.article_unpublish, name="unpublish"),
    path("articles/<str:slug>/delete/", editor.article_delete, name="delete"),
    path("pages/", pages.page_list, name="pages"),
    path("pages/<slug:slug>/", pages.page_detail, name="page"),
    path("pages/<slug:slug>/edit/", pages.page_edit, name="page_edit"),
]
