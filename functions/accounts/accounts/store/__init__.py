"""accounts: reads and writes of AWS: rows and objects in, domain objects out"""

from accounts.store import identity, invitations, members, users

__all__ = ["identity", "invitations", "members", "users"]
