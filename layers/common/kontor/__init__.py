"""Kontor's shared layer: what more than one bounded context needs."""
