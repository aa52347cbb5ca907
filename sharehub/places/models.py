from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """An administrative district of the city (a gu in Seoul), with its boundary as GeoJSON."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)  # name_ko / name_en by modeltranslation
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    # The geometry object (Polygon or MultiPolygon) of the GeoJSON feature, WGS84.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str
        name_en: str | None

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name_ko"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="district_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A legal neighbourhood of a district (a beopjeong-dong in Seoul), with its boundary.

    The finest layer of the hub's own base map: outlined and named from street-level zooms, so a
    map reads without any outside tile server.
    """

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="neighbourhoods",
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)  # name_ko / name_en by modeltranslation
    # Where its name is written on the map: the centroid of its largest part.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    # The geometry object (Polygon or MultiPolygon) of the GeoJSON feature, WGS84.
    boundary = models.JSONField(_("boundary"))

    if TYPE_CHECKING:  # modeltranslation's columns (translation.py)
        name_ko: str
        name_en: str | None

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="neighbourhood_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name
