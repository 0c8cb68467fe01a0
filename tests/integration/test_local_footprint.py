"""The local stack holds sustained load: with `local.footprint` applied, 1,000 transactional writes on
moto's DynamoDB leave the heap and the time per write flat; without it (moto as pinned) they do not.

Each run is its own process (`python -m local.footprint_probe`): the patch is the local stack's, not
this test session's.
"""

from __future__ import annotations

import json
import subprocess
import sys

from local.template import ROOT


def probe(*arguments: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "local.footprint_probe", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_thousand_writes_leave_memory_and_time_per_write_flat() -> None:
    # Given the local stack's patch, when 1,000 transactions of two items each are written
    measured = probe("--writes", "1000")

    # Then the last hundred writes take about as long as the first hundred
    assert measured["last_ms"] < 2 * measured["first_ms"] + 2, measured
    # and the heap holds the items written (2,000 of about 0.5 KB), not copies of the table
    heap = measured["heap_mib_per_100"]
    assert heap[-1] < 8, measured
    assert heap[-1] - heap[4] < 4, measured


def test_without_the_patch_moto_grows_with_every_write() -> None:
    # Given moto as pinned, unpatched: 200 writes already copy and keep the table over and over
    measured = probe("--writes", "200", "--unpatched")

    assert measured["heap_mib_per_100"][-1] > 20, measured
    assert measured["last_ms"] > 1.8 * measured["first_ms"], measured
