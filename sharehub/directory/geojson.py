"""The filtered listings' located addresses as a GeoJSON FeatureCollection (page map and API)."""

from __future__ import annotations

from typing import Any, Unpack

from .selectors import ListingQuery, listing_features


def feature_collection(**filters: Unpack[ListingQuery]) -> dict[str, Any]:
    addresses, truncated = listing_features(**filters)
    features = []
    for address in addresses:
        listing = address.listing
        organization = listing.organization
        features.append(
            {
                "type": "Feature",
                "id": f"{organization.slug}-{address.pk}",
                "geometry": {"type": "Point", "coordinates": [address.longitude, address.latitude]},
                "properties": {
                    "name": organization.name,
                    "summary": listing.summary or "",
                    "address": address.address,
                    "url": listing.get_absolute_url(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}
