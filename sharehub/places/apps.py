from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "sharehub.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from .geojson import forget_district_geojson
        from .models import District

        post_save.connect(
            forget_district_geojson, sender=District, dispatch_uid="places-geojson-saved"
        )
        post_delete.connect(
            forget_district_geojson, sender=District, dispatch_uid="places-geojson-deleted"
        )
