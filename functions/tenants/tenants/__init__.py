"""Tenants: settings, logo, partner hierarchy, copy content, handover, connection file, audit."""
