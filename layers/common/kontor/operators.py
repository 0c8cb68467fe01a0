"""Operators: the vendor's own staff, a role outside every tenant, kept in the table.

Not a Cognito group: roles live in DynamoDB and are read on every request, so taking the role
away ends it at once. Every route under `/operator/` passes `require` first; to anyone else such a
route does not exist.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from kontor import clock, keys
from kontor.access import Caller
from kontor.errors import NotFound
from kontor.models import EmailClaimItem, OperatorItem


def require(caller: Caller) -> None:
    """Nothing for an operator; for everyone else the answer of a route that does not exist."""
    try:
        OperatorItem.get(keys.operator_pk(caller.user_id), keys.OPERATOR_SK, consistent_read=True)
    except DoesNotExist:
        raise NotFound("There is no such route.", code="route_not_found") from None


def grant(email: str, *, added_by: str) -> str:
    """Make the login of `email` an operator (idempotent); its user id.

    The person must have signed up or been invited first: an operator is a Kontor login.
    """
    try:
        user_id = EmailClaimItem.get(keys.email_pk(email.strip().lower()), keys.EMAIL_SK).user_id
    except DoesNotExist:
        raise NotFound(f"No Kontor login has the address {email}.", code="user_not_found") from None
    OperatorItem(
        keys.operator_pk(user_id),
        keys.OPERATOR_SK,
        user_id=user_id,
        email=email.strip().lower(),
        added_at=clock.iso(clock.now()),
        added_by=added_by,
    ).save()
    return user_id
