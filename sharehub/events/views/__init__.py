"""Event pages, by section: `public` (list, calendar, map, detail, materials), `feeds` (iCalendar),
`registration` (register, my events, QR code, certificate), `manage` (the organizer's pages) and
`checkin`. Each view is thin: it parses, calls one service or selector, and renders."""
