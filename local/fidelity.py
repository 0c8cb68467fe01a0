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


def undo_transactions_by_item() -> None:
    """Let moto undo a cancelled transaction by restoring the items it touched, not a copy of the
    whole table: moto deep-copies every table a transaction names, once per action, before it
    starts — with a large tenant in the table that takes longer than a client waits (a 100,000-item
    table: over 30 s a transaction), where DynamoDB's cost does not grow with the table at all."""
    import copy
    import types

    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_by_item", False):
        return
    tables_kept = types.SimpleNamespace(
        deepcopy=lambda value, *rest: value if isinstance(value, Table) else copy.deepcopy(value, *rest)
    )

    def transact(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched: list[tuple[Any, DynamoType, DynamoType | None, Any]] = []
        for action in transact_items:
            op = next(iter(action.values()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            if table.hash_key_attr not in key:
                continue
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            before = table.get_item(hash_key, range_key)
            touched.append((table, hash_key, range_key, copy.deepcopy(before)))
        with _lock:
            models.copy = tables_kept  # type: ignore[attr-defined]
            try:
                return original(self, transact_items)  # type: ignore[no-any-return]
            except Exception:
                for table, hash_key, range_key, before in reversed(touched):
                    rows = table.items[hash_key] if range_key is not None else table.items
                    where = range_key if range_key is not None else hash_key
                    if before is None:
                        rows.pop(where, None)
                    else:
                        rows[where] = before
                raise
            finally:
                models.copy = copy  # type: ignore[attr-defined]

    functools.update_wrapper(transact, original)
    transact._by_item = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact  # type: ignore[method-assign]
