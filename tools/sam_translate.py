"""Print template.yaml as CloudFormation sees it after the SAM transform, as JSON.

Runs in the SAM CLI's own environment (`.venv-sam`): aws-sam-translator pins a pydantic the app
cannot use. Offline: code locations become placeholder S3 URIs and managed policies are not looked up.

    .venv-sam/bin/python tools/sam_translate.py [template.yaml] [Name=Value ...]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "offline")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "offline")

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

_CODE_KEYS = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}


class _NoManagedPolicies:
    """Policies in the template name no AWS managed policy by name, so there is nothing to look up."""

    def load(self) -> dict[str, str]:
        return {}


def translate(path: Path, parameters: dict[str, str]) -> dict[str, Any]:
    template = yaml_parse(path.read_text(encoding="utf-8"))
    for resource in template.get("Resources", {}).values():
        key = _CODE_KEYS.get(resource.get("Type", ""))
        if key and isinstance(resource.get("Properties", {}).get(key), str):
            resource["Properties"][key] = f"s3://offline-build/{resource['Properties'][key]}"
    return transform(template, parameters, _NoManagedPolicies())


def main(argv: list[str]) -> None:
    paths = [a for a in argv if "=" not in a]
    parameters = dict(a.split("=", 1) for a in argv if "=" in a)
    path = Path(paths[0]) if paths else Path(__file__).resolve().parent.parent / "template.yaml"
    json.dump(translate(path, parameters), sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main(sys.argv[1:])
