"""Online sync: on-premises installations (sync clients), their host, prerequisites and history."""
