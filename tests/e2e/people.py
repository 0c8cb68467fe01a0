"""Test-only: members and viewers on the local stack, without the invitation API (another branch).

A Cognito login is made with admin calls and its membership row is written straight into the
emulated table, the shape `kontor.context.resolve` reads. Never use this outside tests.
"""

from __future__ import annotations

import itertools
import os

from tests.e2e.conftest import PASSWORD, Account, Api

_numbers = itertools.count()


def add_member(api: Api, tenant_id: str, role: str) -> Account:
    cognito = api.aws("cognito-idp")
    email = f"{role}{next(_numbers)}-{os.getpid()}@example.org"
    cognito.admin_create_user(
        UserPoolId=api.info["pool_id"],
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=api.info["pool_id"], Username=email, Password=PASSWORD, Permanent=True
    )
    attributes = cognito.admin_get_user(UserPoolId=api.info["pool_id"], Username=email)["UserAttributes"]
    user_id = next(a["Value"] for a in attributes if a["Name"] == "sub")
    api.aws("dynamodb").put_item(
        TableName=api.table_name,
        Item={
            "pk": {"S": f"TENANT#{tenant_id}"},
            "sk": {"S": f"MEMBER#{user_id}"},
            "gsi1pk": {"S": f"USER#{user_id}"},
            "gsi1sk": {"S": f"TENANT#{tenant_id}"},
            "tenant_id": {"S": tenant_id},
            "user_id": {"S": user_id},
            "role": {"S": role},
            "email": {"S": email},
            "name": {"S": role.title()},
            "joined_at": {"S": "2026-11-23T09:00:00Z"},
        },
    )
    return Account(email, user_id, tenant_id, api.sign_in(email)["IdToken"])
