from .views import applications, calls, decisions, reports, review

app_name = "programmes"
PARTS = (calls, applications, review, decisions, reports)
# Fixed prefixes (applications/, manage/, reviews/, awards/, reports/, feed/) first: the call's
# `<slug:slug>/` routes would take them (calls' slugs refuse those words: services.calls).
urlpatterns = [route for part in PARTS for route in part.urlpatterns]
urlpatterns += [route for part in PARTS for route in part.slug_urlpatterns]
