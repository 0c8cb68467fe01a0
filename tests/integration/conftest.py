"""Integration tests: the real handlers, called with events from events/, on moto in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from local.provision import Stack, provision
from tests.conftest import FUNCTIONS, TEMPLATE
from tests.support import Reply, reply_of, table_snapshot


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """Fresh emulated AWS with the template's resources, and the functions' environment."""
    from kontor import aws as kontor_aws
    from kontor import clock
    from kontor.settings import settings

    with mock_aws():
        stack = provision(TEMPLATE)
        for function in TEMPLATE.functions:
            for name, value in stack.environment(TEMPLATE, function).items():
                monkeypatch.setenv(name, value)
        monkeypatch.setattr(
            FUNCTIONS,
            "environments",
            {name: stack.own_environment(TEMPLATE, name) for name in TEMPLATE.functions},
        )
        settings.cache_clear()
        kontor_aws._clients.clear()
        monkeypatch.setattr(clock, "_offset", timedelta())
        yield stack
        settings.cache_clear()
        kontor_aws._clients.clear()


class Lambda:
    """Invokes the template's functions in-process, as Lambda would."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def __call__(self, function: str, event: dict[str, Any]) -> Reply:
        result, calls = FUNCTIONS.invoke(function, event)
        return reply_of(result, calls)

    def table(self) -> list[dict[str, Any]]:
        return table_snapshot(self.stack.refs["Table"])

    def mails(self, to: str | None = None) -> list[Any]:
        sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"].sent_messages
        return [m for m in sent if to is None or to in m.destinations.get("ToAddresses", [])]

    def cognito_users(self) -> list[dict[str, Any]]:
        return boto3.client("cognito-idp").list_users(UserPoolId=self.stack.refs["UserPool"])["Users"]

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        return boto3.client("cognito-idp").initiate_auth(
            ClientId=self.stack.refs["UserPoolClient"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )


@pytest.fixture
def invoke(aws: Stack) -> Lambda:
    return Lambda(aws)
