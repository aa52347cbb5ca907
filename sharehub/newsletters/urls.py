from django.urls import path

from . import views

app_name = "newsletters"
urlpatterns = [
    path("", views.subscribe_page, name="list"),
    path("confirm/<str:token>/", views.confirm_page, name="confirm"),
    path("preferences/<str:token>/", views.preferences_page, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
    path("archive/", views.archive_list, name="archive"),
    path("archive/<int:pk>/", views.archive_detail, name="archive_detail"),
    path("manage/", views.campaign_list, name="manage"),
    path("manage/new/", views.campaign_create, name="campaign_create"),
    path("manage/topics/", views.topic_list, name="topics"),
    path("manage/topics/<int:pk>/", views.topic_edit, name="topic_edit"),
    path("manage/<int:pk>/", views.campaign_detail, name="campaign"),
    path("manage/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("manage/<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path(
        "manage/<int:pk>/preview/<str:language>/", views.campaign_preview, name="campaign_preview"
    ),
    path("manage/<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
]
