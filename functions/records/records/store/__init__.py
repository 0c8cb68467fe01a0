"""records: reads and writes of AWS: rows and objects in, domain objects out"""

from records.store import records

__all__ = ["records"]
