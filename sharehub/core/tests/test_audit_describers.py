"""The audit history names an action by the describer of the longest prefix that matches it, so a
part of an app may describe its own actions beside the app's describer."""

from __future__ import annotations

from types import SimpleNamespace

from sharehub.core import audit


def test_the_longest_matching_prefix_describes(monkeypatch):
    monkeypatch.setattr(audit, "_describers", {})
    audit.register_describer("demo.decision.", lambda entry: "the part's words")
    audit.register_describer("demo.", lambda entry: "the app's words")
    assert audit.describe(SimpleNamespace(action="demo.decision.award")) == "the part's words"
    assert audit.describe(SimpleNamespace(action="demo.call_publish")) == "the app's words"
    assert audit.describe(SimpleNamespace(action="other.thing")) == "other.thing"
