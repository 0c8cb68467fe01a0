"""Platform: health, client configuration, the API's documentation (later: notices, error reports)."""
