"""The platform context's reads and writes of the table: rows in, domain objects out."""

from platform_api.store import error_reports, maintenance, purge, tenants

__all__ = ["error_reports", "maintenance", "purge", "tenants"]
