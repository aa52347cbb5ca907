"""places' registrations with the kernel (see DESIGN.md, "App contract")."""

from django.db.models.signals import post_delete, post_save

from sharehub.core.demo import register_demo

from .demo import load_demo_districts
from .geojson import forget_district_geojson
from .models import District

post_save.connect(forget_district_geojson, sender=District, dispatch_uid="places-geojson-saved")
post_delete.connect(forget_district_geojson, sender=District, dispatch_uid="places-geojson-deleted")
register_demo("places", load_demo_districts, label="districts", order=10)
