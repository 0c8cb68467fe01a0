"""The OpenAPI document the platform function serves is the one the code describes today."""

from __future__ import annotations

from local import openapi
from local.template import load


def test_the_committed_document_is_current() -> None:
    assert openapi.DOCUMENT.read_text(encoding="utf-8") == openapi.render(load()), "run `make openapi`"


def test_every_route_is_documented_and_protected_routes_say_so() -> None:
    document = openapi.build(load())
    for route in load().routes:
        if route.path in {"/openapi.json", "/docs"}:
            continue
        operation = document["paths"][route.path][route.method.lower()]
        assert ("security" in operation) is (not route.public), route.key
