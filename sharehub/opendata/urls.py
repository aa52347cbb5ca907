"""opendata's pages under /{lang}/data/, and its language-neutral root files (the DCAT-AP
catalogue, the CKAN Action API), mounted by sharehub/urls.py."""

from .views import ckan, dashboard, datasets, dcat, manage, scoreboard, statistics

app_name = "opendata"
# Each part's routes; a part's fixed prefixes ("indicators/", "scoreboard/", "datasets/",
# "statistics/", "manage/") keep them apart.
urlpatterns = [
    *manage.urlpatterns,
    *statistics.urlpatterns,
    *scoreboard.urlpatterns,
    *datasets.urlpatterns,
    *dashboard.urlpatterns,
]

# Outside the language prefix, in the `catalog` namespace: /catalog.jsonld, /catalog.ttl,
# /catalog/<slug>.jsonld|.ttl, /api/3/action/<name>, /api/action/<name>.
root_app_name = "catalog"
root_urlpatterns = [*dcat.urlpatterns, *ckan.urlpatterns]
