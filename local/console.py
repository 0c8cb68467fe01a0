"""The web console's build (`web/dist`) served at `/`, as a CDN in front of the SPA would on AWS.

API routes keep priority: a GET that no API route answers gets the file of that name from the build,
or — when it asks for HTML, as a browser navigating does — the SPA's `index.html`, whose router then
shows the screen for that path.
"""

from __future__ import annotations

from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from local.template import ROOT

DIST = ROOT / "web" / "dist"
# Mail links point below the SPA's base URL. On AWS the SPA has an origin of its own; locally it shares
# the API's, where `GET /invitations/{token}` would answer the invitation link with JSON.
LINK_PATHS = frozenset({"/invitations/accept"})


class Console:
    def __init__(self, root: Path = DIST) -> None:
        self.root = root

    @property
    def built(self) -> bool:
        return (self.root / "index.html").is_file()

    def page(self, request: Request, *, api_route: bool) -> Response | None:
        """The console's answer to this request, or None when it is the API's."""
        if request.method not in {"GET", "HEAD"} or not self.built:
            return None
        if api_route and request.path not in LINK_PATHS:
            return None
        found = safe_join(str(self.root), request.path.lstrip("/"))
        if found and request.path != "/" and Path(found).is_file():
            # Vite names assets by content hash: they never change under one name.
            hashed = request.path.startswith("/assets/")
            response = send_file(found, request.environ, max_age=31_536_000 if hashed else 0)
            if hashed:
                response.cache_control.immutable = True
            return response
        # Only an explicit text/html: fetch() sends */*, and an unknown API path must stay a JSON 404.
        if "text/html" in request.headers.get("Accept", ""):
            response = send_file(self.root / "index.html", request.environ, max_age=0)
            response.cache_control.no_cache = True
            return response
        return None
