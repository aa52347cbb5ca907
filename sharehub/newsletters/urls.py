from django.urls import path

from .views import manage, public

app_name = "newsletters"
urlpatterns = [
    path("", public.subscribe_page, name="list"),
    path("confirm/<str:token>/", public.confirm_page, name="confirm"),
    path("preferences/<str:token>/", public.preferences_page, name="preferences"),
    path("unsubscribe/<str:token>/", public.unsubscribe_page, name="unsubscribe"),
    path("archive/", public.archive_list, name="archive"),
    path("archive/<int:pk>/", public.archive_detail, name="archive_detail"),
    path("manage/", manage.campaign_list, name="manage"),
    path("manage/new/", manage.campaign_create, name="campaign_create"),
    path("manage/topics/", manage.topic_list, name="topics"),
    path("manage/topics/<int:pk>/", manage.topic_edit, name="topic_edit"),
    path("manage/<int:pk>/", manage.campaign_detail, name="campaign"),
    path("manage/<int:pk>/edit/", manage.campaign_edit, name="campaign_edit"),
    path("manage/<int:pk>/progress/", manage.campaign_progress, name="campaign_progress"),
    path(
        "manage/<int:pk>/preview/<str:language>/", manage.campaign_preview, name="campaign_preview"
    ),
    path("manage/<int:pk>/confirm/", manage.campaign_confirm, name="campaign_confirm"),
    path("manage/<int:pk>/mail/<str:language>/", manage.campaign_mail, name="campaign_mail"),
    path("manage/<int:pk>/<str:action>/", manage.campaign_action, name="campaign_action"),
]
