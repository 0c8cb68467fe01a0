"""The local stack: the whole API on this machine, with moto as AWS, built from template.yaml."""

import sys
from pathlib import Path

# The shared layer is importable as on Lambda (`/opt/python`): the stack calls into it in-process.
_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "common")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)
