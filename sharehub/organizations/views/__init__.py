"""Organization pages, by section: public, manage, members, invitations, name_changes.

Thin views: parse, call one service or selector, render.
"""
