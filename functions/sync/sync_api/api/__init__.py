"""Online sync routes."""
