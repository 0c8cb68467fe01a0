"""pricing: reads and writes of AWS: rows in, domain objects out"""

from pricing.store import calculations

__all__ = ["calculations"]
