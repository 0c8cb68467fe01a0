"""Records: the CRM data a tenant keeps — contacts and appointments."""
