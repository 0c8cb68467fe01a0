"""The signed-in user's view of themselves: who they are and where they can go."""

from __future__ import annotations

from accounts import repository
from accounts.domain import Me
from kontor.context import Caller


def me(caller: Caller) -> Me:
    return Me(user=repository.profile(caller.user_id), memberships=repository.memberships(caller.user_id))
