"""Accounts: signup, the signed-in user, additional accounts, invitations and memberships."""
