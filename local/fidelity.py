"""Where moto is less faithful than AWS in ways the product relies on, the local stack makes it so.

DynamoDB applies every write, and every transaction, atomically. moto's backend does not guard
against concurrent threads (a transaction even restores a copy of the table when it is cancelled),
so concurrent requests could see effects AWS never shows. One lock around its writes restores the
guarantee the product's conditional writes are built on.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_lock = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


def serialize_dynamodb_writes() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialized", False):
            continue

        def serialized(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return _original(*args, **kwargs)

        functools.update_wrapper(serialized, original)
        serialized._serialized = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, serialized)
