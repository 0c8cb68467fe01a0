"""The local stack serves the console's build at `/` without shadowing any API route."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from local.console import Console


@pytest.fixture
def console(tmp_path: Path) -> Console:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Kontor</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    return Console(tmp_path)


def request(path: str, *, method: str = "GET", accept: str = "*/*") -> Request:
    return Request(EnvironBuilder(path=path, method=method, headers={"Accept": accept}).get_environ())


def body(response: Response) -> bytes:
    response.direct_passthrough = False
    return response.get_data()


def test_a_navigation_to_a_screen_gets_the_spa(console: Console) -> None:
    page = console.page(request("/t/123/contacts", accept="text/html,*/*;q=0.8"), api_route=False)
    assert page is not None
    assert page.status_code == 200
    assert body(page).startswith(b"<!doctype html>")
    assert page.cache_control.no_cache


def test_hashed_assets_are_served_immutable(console: Console) -> None:
    asset = console.page(request("/assets/index-abc123.js"), api_route=False)
    assert asset is not None
    assert body(asset) == b"console.log(1)"
    assert asset.cache_control.immutable
    assert asset.cache_control.max_age == 31_536_000


def test_api_routes_keep_priority_even_for_html(console: Console) -> None:
    assert console.page(request("/me", accept="text/html"), api_route=True) is None


def test_unknown_paths_stay_the_apis_json_404_for_fetch(console: Console) -> None:
    assert console.page(request("/no-such-route"), api_route=False) is None


def test_writes_never_reach_the_console(console: Console) -> None:
    assert console.page(request("/", method="POST", accept="text/html"), api_route=False) is None


def test_the_invitation_link_opens_the_console_although_an_api_route_matches(console: Console) -> None:
    # GET /invitations/{token} would take "accept" for a token on the shared local origin.
    page = console.page(request("/invitations/accept", accept="text/html"), api_route=True)
    assert page is not None
    assert body(page).startswith(b"<!doctype html>")


def test_no_path_escapes_the_build(console: Console, tmp_path: Path) -> None:
    (tmp_path.parent / "secret.txt").write_text("no")
    page = console.page(request("/../secret.txt", accept="text/html"), api_route=False)
    assert page is None or body(page) != b"no"


def test_without_a_build_the_gateway_answers_alone(tmp_path: Path) -> None:
    assert Console(tmp_path / "missing").page(request("/", accept="text/html"), api_route=False) is None
