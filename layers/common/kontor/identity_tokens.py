"""Verifying Cognito ID tokens: signature against the pool's published keys, expiry, audience,
issuer and token use — what API Gateway's Cognito authorizer checks.

Used where a route is public but a signed-in caller counts (accepting an invitation), and by the
local stack's authorizer.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

_keys: dict[str, Any] = {}
_lock = threading.Lock()


class InvalidIdToken(Exception):
    pass


def _signing_key(jwks_url: str, kid: str | None) -> Any:
    import jwt

    with _lock:
        if jwks_url not in _keys:
            with urllib.request.urlopen(jwks_url, timeout=5) as response:  # noqa: S310 - fixed https/local URL
                _keys[jwks_url] = jwt.PyJWKSet.from_dict(json.load(response))
    for key in _keys[jwks_url].keys:
        if key.key_id == kid:
            return key.key
    raise InvalidIdToken("unknown signing key")


def verify(
    token: str, *, region: str, user_pool_id: str, client_id: str, endpoint: str | None
) -> dict[str, Any]:
    """The claims of a valid ID token; `InvalidIdToken` otherwise.

    `endpoint` is set where Cognito is emulated: the keys are served there, while the tokens still
    name AWS's issuer.
    """
    import jwt  # with the crypto backend: only functions that verify tokens load it

    issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
    jwks_url = f"{endpoint.rstrip('/')}/{user_pool_id}" if endpoint else issuer
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token,
            _signing_key(f"{jwks_url}/.well-known/jwks.json", header.get("kid")),
            algorithms=["RS256"],
            audience=client_id,
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "aud", "iss", "token_use"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidIdToken(str(error)) from None
    if claims.get("token_use") != "id":
        raise InvalidIdToken("not an ID token")
    return claims
