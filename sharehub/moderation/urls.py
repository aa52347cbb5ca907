from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("decide/<int:content_type_id>/<str:object_id>/", views.decide, name="decide"),
    path("reports/<int:report_id>/", views.decide_report, name="decide_report"),
    path("report/<int:content_type_id>/<str:object_id>/", views.report, name="report"),
    path("resubmit/<int:content_type_id>/<str:object_id>/", views.resubmit, name="resubmit"),
]
