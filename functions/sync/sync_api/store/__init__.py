"""sync_api: reads and writes of the table: rows in, domain objects out"""

from sync_api.store import clients, feed, plans, pushes, runs

__all__ = ["clients", "feed", "plans", "pushes", "runs"]
