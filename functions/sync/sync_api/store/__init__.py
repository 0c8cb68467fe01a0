"""sync_api: reads and writes of the table: rows in, domain objects out"""

from sync_api.store import clients, feed, runs

__all__ = ["clients", "feed", "runs"]
