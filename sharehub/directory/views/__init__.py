"""Directory pages, by section: public (list, map, GeoJSON, detail), manage (a member's listing,
services, addresses, photos), suggest (the public's suggestions), export (the public CSV), staff
(categories, CSV import)."""
