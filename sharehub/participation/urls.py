from django.urls import path

from .views import answers, attachments, author, comments, public, review

app_name = "participation"
urlpatterns = [
    path("", public.proposal_list, name="list"),
    path("new/", author.proposal_create, name="create"),
    path("similar/", author.similar, name="similar"),
    path("mine/", author.mine, name="mine"),
    path("committees/", public.committee_list, name="committees"),
    path("committees/<slug:slug>/", public.committee_detail, name="committee"),
    path("<int:pk>/", public.proposal_detail, name="detail"),
    path("<int:pk>/edit/", author.proposal_edit, name="edit"),
    path("<int:pk>/submit/", author.proposal_submit, name="submit"),
    path("<int:pk>/delete/", author.proposal_delete, name="delete"),
    path("<int:pk>/amend/", author.proposal_amend, name="amend"),
    path("<int:pk>/withdraw/", author.proposal_withdraw, name="withdraw"),
    path("<int:pk>/support/", author.support, name="support"),
    path("<int:pk>/unsupport/", author.unsupport, name="unsupport"),
]
# The comments, committee review and city answers parts keep their own routes.
urlpatterns += [*comments.urlpatterns, *review.urlpatterns, *answers.urlpatterns]
urlpatterns += attachments.urlpatterns
