from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("name-changes/", views.name_change_list, name="name_changes"),
    path("name-changes/<int:pk>/decide/", views.decide_name_change, name="decide_name_change"),
    path("<str:slug>/", views.organization_detail, name="detail"),
    path("<str:slug>/edit/", views.organization_edit, name="edit"),
    path("<str:slug>/members/", views.organization_members, name="members"),
    path("<str:slug>/members/invite/", views.invite, name="invite"),
    path("<str:slug>/members/<int:user_id>/role/", views.change_role, name="change_role"),
    path("<str:slug>/members/<int:user_id>/remove/", views.remove_member, name="remove_member"),
    path(
        "<str:slug>/members/<int:user_id>/transfer/",
        views.transfer_ownership,
        name="transfer_ownership",
    ),
    path("<str:slug>/leave/", views.leave, name="leave"),
    path(
        "<str:slug>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
]
