"""Designation pages: thin views that parse, call one service or selector, and render.

`public`: the register of designated organizations and each designation's page. `applicant`:
owners and editors work on /applications/…. `documents`: an application's private files.
`review`: city staff review on /review/… and decide on designations.
"""
