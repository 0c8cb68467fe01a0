"""sync_api: reads and writes of the table: rows in, domain objects out"""

from sync_api.store import clients, feed, pushes, runs

__all__ = ["clients", "feed", "pushes", "runs"]
