from django.urls import path

from .views import applicant, documents, public, review

app_name = "designation"
urlpatterns = [
    path("", public.register, name="register"),
    path("apply/<str:slug>/", applicant.apply, name="apply"),
    path("applications/<int:pk>/", applicant.application_detail, name="application"),
    path("applications/<int:pk>/edit/", applicant.application_edit, name="application_edit"),
    path("applications/<int:pk>/documents/", documents.document_upload, name="document_upload"),
    path("applications/<int:pk>/submit/", applicant.application_submit, name="submit"),
    path("applications/<int:pk>/resubmit/", applicant.application_resubmit, name="resubmit"),
    path("applications/<int:pk>/comment/", applicant.application_comment, name="comment"),
    path("documents/<int:pk>/", documents.document_download, name="document"),
    path("documents/<int:pk>/remove/", documents.document_remove, name="document_remove"),
    path("review/", review.review_queue, name="queue"),
    path("review/<int:pk>/", review.review, name="review"),
    path("review/<int:pk>/start/", review.review_start, name="review_start"),
    path("review/<int:pk>/checklist/", review.review_checklist, name="review_checklist"),
    path(
        "review/<int:pk>/request-changes/",
        review.review_request_changes,
        name="review_request_changes",
    ),
    path("review/<int:pk>/reject/", review.review_reject, name="review_reject"),
    path("review/<int:pk>/approve/", review.review_approve, name="review_approve"),
    path("<str:number>/", public.designation_detail, name="detail"),
    path("<str:number>/suspend/", review.designation_suspend, name="suspend"),
    path("<str:number>/reinstate/", review.designation_reinstate, name="reinstate"),
    path("<str:number>/revoke/", review.designation_revoke, name="revoke"),
]
