"""Transactions over the table and the reading of why one was cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

_connection: Connection | None = None


def _shared_connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection()
    return _connection


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    """All writes added inside the block commit together, or none does."""
    with TransactWrite(connection=_shared_connection()) as tx:
        yield tx


def failed_conditions(error: TransactWriteError) -> set[int]:
    """Positions (in the order added) of the actions whose condition failed."""
    return {
        position
        for position, reason in enumerate(error.cancellation_reasons or [])
        if reason is not None and reason.code == "ConditionalCheckFailed"
    }
