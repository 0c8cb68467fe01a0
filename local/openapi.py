"""`python -m local.openapi`: merge every function's routes into the one OpenAPI document.

Each function has its own resolver; the platform function serves the merged document, so it is
written at build time into its code folder. A test fails when the committed copy is stale.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from local.gateway import Functions
from local.template import ROOT, Template, load

DOCUMENT = ROOT / "functions" / "platform" / "platform_api" / "openapi.json"
TITLE = "Kontor API"
VERSION = "1.0.0"
DESCRIPTION = (
    "The multi-tenant backbone of a CRM-style SaaS product. Send the Cognito ID token as "
    '`Authorization: Bearer <token>`. Errors are `{"error": {"code", "message"}}`.'
)


def build(template: Template) -> dict[str, Any]:
    Functions(template)  # puts the layer and every code folder on the import path
    public = {(route.method.lower(), route.path) for route in template.routes if route.public}
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    serving = {route.function for route in template.routes}  # scheduled and queue workers have no API
    for function in template.functions.values():
        if function.logical_id not in serving:
            continue
        module = importlib.import_module(function.handler.rsplit(".", 1)[0])
        document = json.loads(module.app.get_openapi_json_schema(title=TITLE, version=VERSION))
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                if (method, path) not in public:
                    operation["security"] = [{"cognito": []}]
                paths.setdefault(path, {})[method] = operation
        schemas.update(document.get("components", {}).get("schemas", {}))
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (Cognito ID token)"}
            },
        },
    }


def render(template: Template) -> str:
    return json.dumps(build(template), indent=2, sort_keys=False) + "\n"


def main(path: Path = DOCUMENT) -> None:
    path.write_text(render(load()), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
