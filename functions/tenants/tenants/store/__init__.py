"""The tenants context's reads and writes of the table: rows in, domain objects out."""

from tenants.store import closing, directory, settings, subtenants, templates

__all__ = ["closing", "directory", "settings", "subtenants", "templates"]
