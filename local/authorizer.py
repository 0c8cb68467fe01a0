"""Verifies Cognito ID tokens as API Gateway's Cognito user-pool authorizer does."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

import jwt


class CognitoAuthorizer:
    def __init__(self, *, endpoint: str, region: str, user_pool_id: str, client_id: str) -> None:
        # moto serves the pool's keys itself; its tokens still name AWS's issuer.
        self._jwks_url = f"{endpoint.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"
        self._issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._audience = client_id
        self._keys: jwt.PyJWKSet | None = None
        self._lock = threading.Lock()

    def _key(self, kid: str | None) -> Any:
        with self._lock:
            if self._keys is None:
                with urllib.request.urlopen(self._jwks_url, timeout=5) as response:  # noqa: S310 - local
                    self._keys = jwt.PyJWKSet.from_dict(json.load(response))
        for key in self._keys.keys:
            if key.key_id == kid:
                return key.key
        raise jwt.InvalidTokenError("unknown signing key")

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as API Gateway hands them on (strings), or None when not valid."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._key(header.get("kid")),
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss", "token_use"]},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_use") != "id":
            return None
        return {
            name: value if isinstance(value, str) else json.dumps(value) for name, value in claims.items()
        }
