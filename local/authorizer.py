"""Verifies Cognito ID tokens as API Gateway's Cognito user-pool authorizer does."""

from __future__ import annotations

import json

from kontor import identity_tokens


class CognitoAuthorizer:
    def __init__(self, *, endpoint: str, region: str, user_pool_id: str, client_id: str) -> None:
        self._settings = {
            "region": region,
            "user_pool_id": user_pool_id,
            "client_id": client_id,
            "endpoint": endpoint,
        }

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as API Gateway hands them on (strings), or None when not valid."""
        if not authorization:
            return None
        try:
            claims = identity_tokens.verify(authorization.removeprefix("Bearer ").strip(), **self._settings)
        except identity_tokens.InvalidIdToken:
            return None
        return {
            name: value if isinstance(value, str) else json.dumps(value) for name, value in claims.items()
        }
