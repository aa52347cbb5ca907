"""Newsletter pages, by section: `public` (subscribe, confirm, preferences, unsubscribe, the
archive) and `manage` (city staff's campaigns and topics). Each view is thin: it parses, calls one
service or selector, and renders."""
