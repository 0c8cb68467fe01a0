"""template.yaml after the SAM transform: what CloudFormation actually deploys.

The translator lives in the SAM CLI's environment (`.venv-sam`, see `make install`), whose pydantic
the app cannot share, so it runs there as a subprocess (`tools/sam_translate.py`, about a second).
"""

from __future__ import annotations

import functools
import json
import subprocess
from typing import Any

from local.template import ROOT, TEMPLATE

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"


@functools.cache
def _translate(parameters: tuple[tuple[str, str], ...]) -> str:
    if not SAM_PYTHON.exists():
        raise RuntimeError(f"{SAM_PYTHON} is missing: run `make install` (it installs the SAM CLI too)")
    done = subprocess.run(  # noqa: S603 - our own script, our own interpreter
        [str(SAM_PYTHON), str(ROOT / "tools" / "sam_translate.py"), str(TEMPLATE)]
        + [f"{name}={value}" for name, value in parameters],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the SAM transform failed:\n{done.stderr}")
    return done.stdout


def translated(**parameters: str) -> dict[str, Any]:
    """The translated template (a fresh copy each call), with these parameter values."""
    return json.loads(_translate(tuple(sorted(parameters.items()))))
