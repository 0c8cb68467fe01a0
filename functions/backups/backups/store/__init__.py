"""backups: reads and writes of AWS: rows and objects in, domain objects out"""

from backups.store import backups, objects, tenant_data

__all__ = ["backups", "objects", "tenant_data"]
