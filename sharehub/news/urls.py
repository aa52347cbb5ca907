from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
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
    path("write/", views.article_create, name="create"),
    path("desk/", views.desk, name="desk"),
    path("articles/<str:slug>/", views.article_detail, name="detail"),
    path("articles/<str:slug>/edit/", views.article_edit, name="edit"),
    path("articles/<str:slug>/submit/", views.article_submit, name="submit"),
    path("articles/<str:slug>/review/", views.article_review, name="review"),
    path("articles/<str:slug>/publish/", views.article_publish, name="publish"),
    path("articles/<str:slug>/return/", views.article_return, name="return"),
    path("articles/<str:slug>/unpublish/", views.article_unpublish, name="unpublish"),
    path("articles/<str:slug>/delete/", views.article_delete, name="delete"),
    path("pages/", views.page_list, name="pages"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("pages/<slug:slug>/edit/", views.page_edit, name="page_edit"),
]
