"""The embedded install's secret key: several gunicorn workers start at once on a fresh var/
and each reads settings. They must all read the same whole key (CI once saw a worker read the
file while another was still writing it: "The SECRET_KEY setting must not be empty")."""

from __future__ import annotations

import os
import stat
import sys
import threading

import pytest

from sharehub.settings import shared_secret

STARTERS = 16
ROUNDS = 40


@pytest.mark.parametrize("hard_links", [True, False], ids=["linked", "no-hard-links"])
def test_workers_starting_together_read_one_whole_key(tmp_path, monkeypatch, hard_links):
    if not hard_links:  # FAT, some network or FUSE mounts: the first to create it writes it

        def no_link(source, target):
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: widen every race window
    try:
        for round_ in range(ROUNDS):
            path = tmp_path / f"round-{round_}" / "secret_key"
            path.parent.mkdir()
            gate = threading.Barrier(STARTERS)
            keys: list[str | BaseException | None] = [None] * STARTERS

            def start(i: int, path=path, gate=gate, keys=keys) -> None:
                gate.wait()
                try:
                    keys[i] = shared_secret(path)
                except BaseException as error:
                    keys[i] = error

            threads = [threading.Thread(target=start, args=(i,)) for i in range(STARTERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert all(isinstance(key, str) and len(key) >= 50 for key in keys), (round_, keys)
            assert len(set(keys)) == 1, (round_, keys)
            assert path.read_text() == keys[0]
            # Only the owner reads it, and no worker's draft is left beside it.
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert [p.name for p in path.parent.iterdir()] == ["secret_key"]
    finally:
        sys.setswitchinterval(previous)


def test_a_kept_key_is_read_back_unchanged(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("kept-key-of-an-earlier-start\n")
    assert shared_secret(path) == "kept-key-of-an-earlier-start"
