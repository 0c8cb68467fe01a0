"""sync_api: reads and writes of the table: rows in, domain objects out"""

from sync_api.store import clients, conflicts, feed, plans, pushes, runs

__all__ = ["clients", "conflicts", "feed", "plans", "pushes", "runs"]
