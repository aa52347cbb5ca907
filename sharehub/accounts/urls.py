from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/consent/", views.set_consent, name="consent"),
    path("privacy/export/", views.export_data, name="export"),
    path("privacy/delete/", views.delete_account, name="delete"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:user_id>/", views.staff_member, name="staff_member"),
]
