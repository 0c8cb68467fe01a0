"""`python -m bench.moto_server -p PORT`: moto's server, without two costs that grow with the table.

moto 5.2 spends time in proportion to the whole table where DynamoDB does not: a Query of the base
table sorts every item of every partition to find one partition's, and a TransactWriteItems first
deep-copies every table it touches (to roll back a cancelled one). Billing 10,000 tenants makes
tens of thousands of both, so it would measure moto's sorting and copying, not the job. Here a
base-table Query reads only its partition (as DynamoDB does), and a transaction checks every
condition before it writes anything and writes only when all hold, so no copy is needed; a queue's
approximate message counts no longer look at every message on each SendMessage. Only the
benchmarks use this; the local stack and the tests keep moto as it is.
"""

from __future__ import annotations

import sys
from typing import Any


class _NoCopy:
    """Stands in for the `copy` module inside moto's DynamoDB backend: the backup is the table itself
    (never used: a transaction that would be cancelled is refused before it writes)."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value


def _patch() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import TransactionCanceledException

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        try:
            errors = _check(self, transact_items)
        except Exception:  # anything the check does not understand: moto's own way, with its copy
            return original(self, transact_items)
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        saved = models.copy
        models.copy = _NoCopy  # type: ignore[assignment]
        try:
            original(self, transact_items)
        finally:
            models.copy = saved

    def _check(self: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str | None, str | None, Any]]:
        errors: list[tuple[str | None, str | None, Any]] = []
        for item in transact_items:
            op_type, op = next(iter(item.items()))
            table = self.get_table(op["TableName"])
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            expression = op.get("ConditionExpression")
            holds = expression is None or get_filter_expression(
                expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            ).expr(self.get_item(op["TableName"], key))
            errors.append(
                (None, None, None)
                if holds
                else ("ConditionalCheckFailed", "The conditional request failed", None)
            )
        return errors

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]

    from moto.dynamodb.models.table import Table

    query = Table.query

    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None or not self.range_key_attr:
            return query(self, hash_key, *args, **kwargs)
        partition = list(self.items[hash_key].values()) if hash_key in self.items else []
        self.all_items = lambda: partition  # only this partition's items, for this one Query
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = partition_query  # type: ignore[method-assign]

    # Every SendMessage asks the queue for its attributes, whose approximate counts look at each
    # message in it: the dispatcher's 5,000 messages would cost 12.5 million looks. Counted as queued.
    from moto.sqs.models import Queue

    Queue.approximate_number_of_messages = property(lambda self: len(self._messages))  # type: ignore[assignment]
    Queue.approximate_number_of_messages_not_visible = property(lambda self: 0)  # type: ignore[assignment]
    Queue.approximate_number_of_messages_delayed = property(lambda self: 0)  # type: ignore[assignment]


if __name__ == "__main__":
    _patch()
    from moto.server import main

    main(sys.argv[1:])
