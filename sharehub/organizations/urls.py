from django.urls import path

from .views import invitations, manage, members, name_changes, public

app_name = "organizations"
urlpatterns = [
    path("", public.organization_list, name="list"),
    path("new/", manage.organization_create, name="create"),
    path("mine/", manage.my_organizations, name="mine"),
    path("invitations/<str:token>/", invitations.accept_invitation, name="accept_invitation"),
    path("name-changes/", name_changes.name_change_list, name="name_changes"),
    path(
        "name-changes/<int:pk>/decide/", name_changes.decide_name_change, name="decide_name_change"
    ),
    path("<str:slug>/", public.organization_detail, name="detail"),
    path("<str:slug>/edit/", manage.organization_edit, name="edit"),
    path("<str:slug>/members/", members.organization_members, name="members"),
    path("<str:slug>/members/invite/", members.invite, name="invite"),
    path("<str:slug>/members/<int:user_id>/role/", members.change_role, name="change_role"),
    path("<str:slug>/members/<int:user_id>/remove/", members.remove_member, name="remove_member"),
    path(
        "<str:slug>/members/<int:user_id>/transfer/",
        members.transfer_ownership,
        name="transfer_ownership",
    ),
    path("<str:slug>/leave/", members.leave, name="leave"),
    path(
        "<str:slug>/invitations/<int:invitation_id>/revoke/",
        members.revoke_invitation,
        name="revoke_invitation",
    ),
]
