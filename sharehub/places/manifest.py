"""places' registrations with the kernel (see DESIGN.md, "App contract")."""

from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from sharehub.core.basemap import register_base_layer
from sharehub.core.demo import register_demo

from .demo import load_demo_districts, load_demo_neighbourhoods
from .geojson import forget_district_geojson, forget_neighbourhood_geojson
from .models import District, Neighbourhood

post_save.connect(forget_district_geojson, sender=District, dispatch_uid="places-geojson-saved")
post_delete.connect(forget_district_geojson, sender=District, dispatch_uid="places-geojson-deleted")
# The neighbourhoods carry their district's code: a district's change drops them too.
for sender in (District, Neighbourhood):
    post_save.connect(
        forget_neighbourhood_geojson,
        sender=sender,
        dispatch_uid=f"places-base-{sender.__name__}-saved",
    )
    post_delete.connect(
        forget_neighbourhood_geojson,
        sender=sender,
        dispatch_uid=f"places-base-{sender.__name__}-deleted",
    )

# The base map of every map: the districts, named at the city's zooms, and from street level the
# neighbourhoods, named once they are large enough on screen for a name to fit.
register_base_layer(
    "districts",
    url=lambda: reverse("places:geojson"),
    rank="major",
    order=10,
    labels_from=10,
    labels_until=13.5,
)
register_base_layer(
    "neighbourhoods",
    url=lambda: reverse("places:neighbourhoods_geojson"),
    rank="minor",
    order=20,
    min_zoom=13,
    labels_from=14,
)
register_demo("places", load_demo_districts, label="districts", order=10)
register_demo("places.neighbourhoods", load_demo_neighbourhoods, label="neighbourhoods", order=11)
