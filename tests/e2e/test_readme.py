"""The README's walkthrough works as written: its shell block runs against the local stack."""

from __future__ import annotations

import json
import os
import re
import subprocess

from local.template import ROOT
from tests.e2e.conftest import Api


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- walkthrough[^>]*-->\s*```bash\n(.*?)```", readme, re.S)
    assert found, "the README lost its walkthrough block"
    return found.group(1)


def test_the_readme_walkthrough_runs_as_written(api: Api) -> None:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough()],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "API": api.url, "EMAIL": "readme@example.com"},
        check=False,
    )

    assert result.returncode == 0, result.stderr
    me = json.loads(_last_json(result.stdout))
    assert me["user"]["email"] == "readme@example.com"
    assert [m["tenant_name"] for m in me["memberships"]] == ["Schmidt GmbH"]


def _last_json(output: str) -> str:
    """curl prints bodies without newlines: the last JSON object of the output is /me's answer."""
    decoder = json.JSONDecoder()
    position, last = 0, ""
    while position < len(output):
        start = output.find("{", position)
        if start < 0:
            break
        _, end = decoder.raw_decode(output, start)
        last, position = output[start:end], end
    return last
