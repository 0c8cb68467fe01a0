"""billing: reads and writes of AWS: rows and objects in, domain objects out"""

from billing.store import licences, plans

__all__ = ["licences", "plans"]
