"""Designation pages: thin views that parse, call one service or selector, and render.

`public`: the register of designations (page, CSV), each designation's page, its certificate and
the certificate's verification. `applicant`: owners and editors work on /applications/….
`documents`: an application's private files. `review`: city staff review on /review/… and decide
on designations. `setup`: city staff set up stages, criteria and the committee. `reports`: the
annual activity reports.
"""
