"""Backups: manual and scheduled exports of a tenant's key range to S3, retention and restore."""
