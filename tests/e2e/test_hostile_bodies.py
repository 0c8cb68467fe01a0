"""Hostile bodies through the local stack's gateway: refused with a JSON 4xx, quickly, nothing written."""

from __future__ import annotations

import time
from collections.abc import Iterator

from tests.e2e.conftest import Api

MIB = 1024 * 1024


def post(api: Api, path: str, data: bytes | Iterator[bytes]) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = api.http.post(
        api.url + path, data=data, headers={"Content-Type": "application/json"}, timeout=30
    )
    return response.status_code, response.json(), time.monotonic() - started


def test_a_30_mb_body_is_refused_at_the_gateway_at_once(api: Api) -> None:
    # Given a body of 30 MB (API Gateway itself would take up to 10 MB)
    before = api.table()
    body = b'{"name": "' + b"x" * (30 * MIB) + b'"}'

    # When it is posted to the public signup
    status, answer, took = post(api, "/signup", body)

    # Then it is refused before the function runs, and nothing is written
    assert (status, answer["error"]["code"]) == (413, "payload_too_large")
    assert answer["error"]["details"] == {"max_bytes": MIB}
    assert took < 5
    assert api.table() == before


def test_a_chunked_body_without_length_is_refused_by_the_function(api: Api) -> None:
    before = api.table()

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(3):
            yield b"x" * MIB
        yield b'"}'

    status, answer, _ = post(api, "/signup", chunks())

    # The gateway cannot know the size beforehand; the function's edge refuses it before parsing.
    assert (status, answer["error"]["code"]) == (413, "payload_too_large")
    assert api.table() == before


def test_a_body_that_is_not_utf8_or_too_deep_is_400(api: Api) -> None:
    before = api.table()

    not_utf8 = post(api, "/signup", b'{"email": "\xff\xfe@example.com"}')
    too_deep = post(api, "/signup", b"[" * 50_000 + b"]" * 50_000)

    assert (not_utf8[0], not_utf8[1]["error"]["code"]) == (400, "invalid_encoding")
    assert (too_deep[0], too_deep[1]["error"]["code"]) == (400, "invalid_json")
    assert api.table() == before
