"""The tenants context's reads and writes of the table: rows in, domain objects out."""
