"""Login identities in the Cognito user pool (username = email; the user id is Cognito's `sub`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botocore.exceptions import ClientError

from kontor.aws import client
from kontor.errors import BadRequest, Conflict, Unprocessable
from kontor.observability import logger
from kontor.settings import settings

# An unfinished signup older than this died half-way (functions time out long before).
ABANDONED_AFTER = timedelta(minutes=5)


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def create(email: str, name: str, password: str, *, verified: bool) -> str:
    """A new identity; returns its user id.

    An unverified one (signup) cannot sign in until `enable`: it is disabled before the password is
    set, so no step in between leaves a usable login. A verified one (the address was proven by an
    invitation link) can sign in at once. A step that fails removes what the earlier ones made.
    Callers have found no email claim first (see `_remove_if_abandoned`).
    """
    cognito = client("cognito-idp")
    pool = settings().user_pool_id
    attributes = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true" if verified else "false"},
        {"Name": "name", "Value": name},
    ]
    try:
        created = cognito.admin_create_user(
            UserPoolId=pool, Username=email, MessageAction="SUPPRESS", UserAttributes=attributes
        )
    except ClientError as error:
        if _code(error) == "InvalidParameterException":
            # An address the standard allows but the user pool refuses as a username (`}`, `^`, …).
            raise Unprocessable(
                "This address cannot be used to sign in; please use another one.", code="invalid_email"
            ) from None
        if _code(error) != "UsernameExistsException" or not _remove_if_abandoned(email):
            raise
        created = cognito.admin_create_user(
            UserPoolId=pool, Username=email, MessageAction="SUPPRESS", UserAttributes=attributes
        )
    user_id = next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub")
    try:
        if not verified:
            cognito.admin_disable_user(UserPoolId=pool, Username=email)
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
    except ClientError as error:
        delete(email)
        if _code(error) == "InvalidPasswordException":
            message = error.response["Error"].get("Message", "The password was refused.")
            raise BadRequest(message, code="weak_password") from None
        raise
    except BaseException:
        delete(email)
        raise
    return user_id


def _remove_if_abandoned(email: str) -> bool:
    """Remove an identity that Kontor's records do not know, if it is certainly abandoned.

    Callers ask only after finding no email claim: then only a signup that died between creating
    the identity and storing its records leaves one. A young one may still be in flight.
    """
    try:
        user = client("cognito-idp").admin_get_user(UserPoolId=settings().user_pool_id, Username=email)
    except ClientError as error:
        if _code(error) == "UserNotFoundException":
            return True
        raise
    created_at: datetime = user["UserCreateDate"]
    # Real elapsed time, not the product clock: this is about a process that crashed.
    if datetime.now(UTC) - created_at.astimezone(UTC) < ABANDONED_AFTER:
        raise Conflict("A signup for this email is in progress; retry shortly.", code="signup_in_progress")
    logger.warning("removing the identity of an abandoned signup")
    delete(email)
    return True


def enable(email: str) -> None:
    """Mark the email verified and let the identity sign in (both idempotent)."""
    cognito = client("cognito-idp")
    pool = settings().user_pool_id
    cognito.admin_update_user_attributes(
        UserPoolId=pool, Username=email, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    cognito.admin_enable_user(UserPoolId=pool, Username=email)


def delete(email: str) -> None:
    try:
        client("cognito-idp").admin_delete_user(UserPoolId=settings().user_pool_id, Username=email)
    except ClientError as error:
        if _code(error) != "UserNotFoundException":
            raise


def delete_login(email: str, user_id: str) -> None:
    """Delete the address's login if it is still the one of `user_id` (Cognito's `sub`): a login a
    later signup or invitation created for the address meanwhile stays."""
    cognito = client("cognito-idp")
    try:
        user = cognito.admin_get_user(UserPoolId=settings().user_pool_id, Username=email)
    except ClientError as error:
        if _code(error) == "UserNotFoundException":
            return
        raise
    sub = next((a["Value"] for a in user.get("UserAttributes", []) if a["Name"] == "sub"), None)
    if sub == user_id:
        delete(email)


def exists(email: str) -> bool:
    """Whether the user pool has a login for the address."""
    try:
        client("cognito-idp").admin_get_user(UserPoolId=settings().user_pool_id, Username=email)
    except ClientError as error:
        if _code(error) == "UserNotFoundException":
            return False
        raise
    return True


def set_password(email: str, password: str) -> None:
    """The login's password from now on (the one who proved the address chose it)."""
    try:
        client("cognito-idp").admin_set_user_password(
            UserPoolId=settings().user_pool_id, Username=email, Password=password, Permanent=True
        )
    except ClientError as error:
        if _code(error) == "InvalidPasswordException":
            message = error.response["Error"].get("Message", "The password was refused.")
            raise BadRequest(message, code="weak_password") from None
        raise
