"""platform_api: the routes."""
