from django.urls import path

from . import views

app_name = "designation"
urlpatterns = [
    path("", views.register, name="register"),
    path("apply/<str:slug>/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<int:pk>/resubmit/", views.application_resubmit, name="resubmit"),
    path("applications/<int:pk>/comment/", views.application_comment, name="comment"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("review/", views.review_queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("review/<int:pk>/start/", views.review_start, name="review_start"),
    path("review/<int:pk>/checklist/", views.review_checklist, name="review_checklist"),
    path(
        "review/<int:pk>/request-changes/",
        views.review_request_changes,
        name="review_request_changes",
    ),
    path("review/<int:pk>/reject/", views.review_reject, name="review_reject"),
    path("review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("<str:number>/", views.designation_detail, name="detail"),
    path("<str:number>/suspend/", views.designation_suspend, name="suspend"),
    path("<str:number>/reinstate/", views.designation_reinstate, name="reinstate"),
    path("<str:number>/revoke/", views.designation_revoke, name="revoke"),
]
