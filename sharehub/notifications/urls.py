from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.mark_one_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:outbound_id>/", views.outbox_detail, name="outbox_detail"),
    path("demo-mailbox/", views.demo_mailbox_list, name="demo_mailbox"),
    path("demo-mailbox/<int:outbound_id>/", views.demo_mailbox_detail, name="demo_mailbox_detail"),
]
