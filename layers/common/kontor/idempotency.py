"""`Idempotency-Key` for create routes, on Powertools idempotency with the table as its store.

A retry with the same key (and the same caller) answers what the first call answered; the same key
with a different body is refused. Records live under `IDEMPOTENCY#<scope>` and expire by TTL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kontor import keys
from kontor.aws import client
from kontor.errors import BadRequest, Conflict, Unprocessable
from kontor.settings import settings

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def once(
    operation: str,
    key: str | None,
    *,
    scope: str,
    payload: dict[str, Any],
    produce: Callable[[], dict[str, Any]],
    lambda_context: Any = None,
) -> dict[str, Any]:
    """Run `produce` once per (`scope`, `operation`, `key`); without a key, just run it."""
    if key is None:
        return produce()
    if not _KEY.match(key):
        raise BadRequest(
            "Idempotency-Key must be 1-255 visible ASCII characters.", code="invalid_idempotency_key"
        )

    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    store = DynamoDBPersistenceLayer(
        table_name=settings().table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=keys.idempotency_pk(scope),
        expiry_attr="ttl",
        boto3_client=client("dynamodb"),
    )
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="payload",
        expires_after_seconds=settings().idempotency_ttl_hours * 3600,
        use_local_cache=False,
    )
    if lambda_context is not None:
        # Lets an in-progress record expire with the invocation, so a crashed attempt can be retried.
        config.register_lambda_context(lambda_context)

    def run(request: dict[str, Any]) -> dict[str, Any]:
        return produce()

    guarded = idempotent_function(
        run,
        data_keyword_argument="request",
        persistence_store=store,
        config=config,
        key_prefix=operation,
    )
    try:
        return guarded(request={"key": key, "payload": payload})
    except IdempotencyValidationError:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request.", code="idempotency_key_reused"
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(
            "The same request is still being processed; retry shortly.", code="request_in_progress"
        ) from None
