"""Keep the local stack's memory and write time flat under sustained load (moto 5.2, see
requirements/constraints.txt); applied by the local stack only, never by the product's code.

Two things in moto grow with everything ever written:

- every model instance (each DynamoDB item version, each S3 object and its buffer) is appended to
  its class's `instances_tracked` list, for moto's dashboard, and never released;
- `transact_write_items` deep-copies the whole table once per action before it starts, so a write
  costs time in proportion to the table's size (and, with the tracking above, leaves every copy
  alive: a few hundred transactions held gigabytes).

`apply()` stops the tracking (nothing here uses moto's dashboard) and makes a transaction keep a
copy of just the items it touches, which it puts back when it is cancelled — what moto's whole-table
copy was for. `tests/integration/test_local_footprint.py` holds both to a flat line over 1,000 writes.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

_state = threading.local()


def apply() -> None:
    _stop_instance_tracking()
    _copy_only_touched_items()


def _stop_instance_tracking() -> None:
    from moto.core import common_models

    base = common_models.BaseModel
    if getattr(base.__new__, "_untracked", False):
        return

    def untracked(cls: type, *args: Any, **kwargs: Any) -> Any:
        return super(base, cls).__new__(cls)

    untracked._untracked = True  # type: ignore[attr-defined]
    base.__new__ = untracked  # type: ignore[method-assign, assignment]
    from moto.core.model_instances import reset_model_data

    reset_model_data()


class _Copy:
    """`copy` as moto's DynamoDB models see it: a table is not copied while a transaction that
    saved its own items runs; everything else is copied as before."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        if getattr(_state, "saving", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


def _copy_only_touched_items() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_touched_only", False):
        return
    models.copy = _Copy()  # type: ignore[assignment]

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = _touched(self, transact_items)
        _state.saving = True
        try:
            return original(self, transact_items)
        except BaseException:
            _put_back(self, saved)
            raise
        finally:
            _state.saving = False

    functools.update_wrapper(transact_write_items, original)
    transact_write_items._touched_only = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


Saved = list[tuple[Any, Any, Any, Any]]  # (table, hash value, range value, the item before or None)


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> Saved:
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: Saved = []
    for action in transact_items:
        for kind, operation in action.items():
            table = backend.tables.get(operation.get("TableName") or "")
            if table is None:
                continue
            key = operation.get("Item") if kind == "Put" else operation.get("Key")
            if not key or table.hash_key_attr not in key:
                continue
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in key:
                    continue
                range_value = DynamoType(key[table.range_key_attr])
            current = table.get_item(hash_value, range_value)
            saved.append((table, hash_value, range_value, copy.deepcopy(current)))
    return saved


def _put_back(backend: Any, saved: Saved) -> None:
    for table, hash_value, range_value, before in reversed(saved):
        if range_value is None:
            if before is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = before
            continue
        if before is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = before
