"""billing: reads and writes of AWS: rows and objects in, domain objects out"""

from billing.store import company, invoices, licences, plans

__all__ = ["company", "invoices", "licences", "plans"]
