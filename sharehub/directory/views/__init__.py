"""Directory pages, by section: public (list, map, GeoJSON, detail), manage (a member's listing,
services, addresses, photos), suggest (the public's suggestions), staff (categories, CSV)."""
