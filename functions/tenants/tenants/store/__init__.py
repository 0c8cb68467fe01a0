"""The tenants context's reads and writes of the table: rows in, domain objects out."""

from tenants.store import directory, settings, subtenants, templates

__all__ = ["directory", "settings", "subtenants", "templates"]
