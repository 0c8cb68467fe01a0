"""Billing: the catalogue, plans, licences of add-on modules, the company profile and invoices."""
