"""End-to-end: HTTP against the local stack (`python -m local`), started once per test session."""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
import requests

from local.gateway import CALLS_HEADER
from local.template import ROOT
from tests.support import link_token, table_snapshot

REGION = "eu-central-1"
PASSWORD = "velvet-otter-harbour-93"


@dataclass
class HttpReply:
    status: int
    body: Any
    headers: dict[str, str]
    calls: dict[str, int]


class Api:
    """A client of the local stack, and a look behind it at the emulated AWS."""

    _emails = itertools.count()

    def __init__(self, url: str, endpoint: str, info: dict[str, str]) -> None:
        self.url = url
        self.endpoint = endpoint
        self.info = info
        self.http = requests.Session()
        self._partners: set[str] = set()  # tenants that booked tenant management here

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, self.url + path, json=json_body, headers=sent, timeout=30)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        calls = json.loads(response.headers.get(CALLS_HEADER, "{}"))
        return HttpReply(response.status_code, body, dict(response.headers), calls)

    def aws(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION)

    @property
    def table_name(self) -> str:
        return self.info["table"]

    def table(self) -> list[dict[str, Any]]:
        return table_snapshot(self.table_name, self.aws("dynamodb"))

    def outbox(self, to: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/_local/outbox?{urlencode({'to': to})}").body["messages"]

    def sign_in(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        result = self.aws("cognito-idp").initiate_auth(
            ClientId=self.info["client_id"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        return result["AuthenticationResult"]

    def new_account(self, tenant_name: str = "Muster GmbH") -> Account:
        """A verified, signed-in user with their own tenant, through the public API only."""
        email = f"user{next(self._emails)}-{os.getpid()}@example.com"
        signup = self.call(
            "POST",
            "/signup",
            json_body={"email": email, "password": PASSWORD, "name": "Test User", "tenant_name": tenant_name},
        )
        assert signup.status == 202, signup.body
        token = link_token(self.outbox(email)[0]["text"])
        verified = self.call("POST", "/signup/verify", json_body={"token": token, "password": PASSWORD})
        assert verified.status == 200, verified.body
        id_token = self.sign_in(email)["IdToken"]
        me = self.call("GET", "/me", token=id_token).body
        return Account(email, verified.body["id"], me["memberships"][0]["tenant_id"], id_token)

    def operator(self) -> Account:
        """The operator login `make run` creates, signed in."""
        email = self.info["operator_email"]
        id_token = self.sign_in(email, self.info["operator_password"])["IdToken"]
        me = self.call("GET", "/me", token=id_token).body
        return Account(email, me["user"]["id"], me["memberships"][0]["tenant_id"], id_token)

    def join(self, admin: Account, role: str, tenant_id: str | None = None) -> Account:
        """A new person invited into `admin`'s tenant with `role`, who accepted and signed in."""
        tenant_id = tenant_id or admin.tenant_id
        email = f"invitee{next(self._emails)}-{os.getpid()}@example.com"
        sent = self.call(
            "POST",
            f"/tenants/{tenant_id}/invitations",
            token=admin.token,
            json_body={"email": email, "role": role},
        )
        assert sent.status == 201, sent.body
        secret = link_token(self.outbox(email)[0]["text"])
        accepted = self.call(
            "POST",
            f"/invitations/{secret}/accept",
            json_body={"name": "Invited Person", "password": PASSWORD},
        )
        assert accepted.status == 200, accepted.body
        return Account(email, accepted.body["user_id"], tenant_id, self.sign_in(email)["IdToken"])

    def upload_logo(self, account: Account, data: bytes, content_type: str = "image/png") -> str:
        """Post a file with the presigned form, as a browser would; its upload id."""
        form = self.call(
            "POST",
            f"/tenants/{account.tenant_id}/logo/upload",
            token=account.token,
            json_body={"content_type": content_type},
        )
        assert form.status == 200, form.body
        posted = requests.post(
            form.body["url"],
            data=form.body["fields"],
            files={"file": ("logo", data, content_type)},
            timeout=30,
        )
        assert posted.status_code in {200, 201, 204}, posted.text
        return form.body["upload_id"]

    def book(self, admin: Account, module: str, tenant_id: str | None = None, period: str = "P1M") -> dict:
        """Book `module` for the tenant as its admin (or partner admin), accepting the current terms."""
        tenant_id = tenant_id or admin.tenant_id
        offers = {m["id"]: m for m in self.call("GET", "/catalog", token=admin.token).body["modules"]}
        booked = self.call(
            "POST",
            f"/tenants/{tenant_id}/licences",
            token=admin.token,
            json_body={
                "module": module,
                "period": period,
                "accept_terms": {"version": offers[module]["terms"]["version"]},
            },
        )
        assert booked.status == 201, booked.body
        if module == "tenant_management":
            self._partners.add(tenant_id)
        return booked.body

    def subtenant(self, partner: Account, name: str = "Kunde", parent: str | None = None) -> str:
        """A sub-tenant created by `partner` in its tenant (or in `parent`), which first gets the
        tenant management licence it needs."""
        creator = parent or partner.tenant_id
        if creator not in self._partners:
            self.book(partner, "tenant_management", creator)
        created = self.call(
            "POST",
            f"/tenants/{parent or partner.tenant_id}/subtenants",
            token=partner.token,
            json_body={"name": name},
        )
        assert created.status == 201, created.body
        return created.body["id"]


@dataclass
class Account:
    email: str
    user_id: str
    tenant_id: str
    token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_stack(*flags: str) -> Iterator[Api]:
    """`python -m local` on a free port with `flags`, as a client, until the block ends."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--port", str(port), *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "POWERTOOLS_LOG_LEVEL": "WARNING"},
    )
    assert process.stdout is not None
    info: dict[str, str] = {}
    lines: list[str] = []
    deadline = time.monotonic() + 60
    for line in process.stdout:
        lines.append(line)
        for label, key in (
            ("Kontor API", "url"),
            ("Cognito endpoint", "endpoint"),
            ("User pool id", "pool_id"),
            ("User pool client", "client_id"),
        ):
            if line.startswith(label):
                info[key] = line.split()[-1]
        if line.startswith("Operator login"):
            info["operator_email"], info["operator_password"] = line.split()[-2:]
        if line.startswith("Ready.") or time.monotonic() > deadline:
            break
    if "url" not in info:
        process.kill()
        pytest.fail("the local stack did not start:\n" + "".join(lines))
    # Keep reading its output so the pipe never fills up and blocks the server.
    import threading

    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    api = Api(info["url"], info["endpoint"], info)
    tables = api.aws("dynamodb").list_tables()["TableNames"]
    info["table"] = next(name for name in tables if re.search(r"table$", name))
    yield api
    # The calls a stack of its own saw (jobs that move the product clock run there) count for
    # the IAM check too, with its physical names (its own user pool id, bucket names) alongside.
    STACK_NEEDS.append(api.call("GET", "/_local/iam").body)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[Api]:
    with running_stack("--no-delivery") as api:
        yield api


@pytest.fixture
def api(local_stack: Api) -> Api:
    return local_stack


# What each stack that already stopped saw its functions need (`GET /_local/iam`), for test_iam.py.
STACK_NEEDS: list[dict[str, Any]] = []

# Whether this session runs every e2e test: only then can "no test used this grant" be judged.
FULL_E2E_RUN: dict[str, bool] = {}
_E2E = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The IAM check reads what every other e2e test made the functions call: it runs last."""
    items.sort(key=lambda item: item.path.name == "test_iam.py")


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(_E2E in item.path.parents for item in items):
        FULL_E2E_RUN["deselected"] = True


def pytest_collection_finish(session: pytest.Session) -> None:
    modules = {item.path for item in session.items if _E2E in item.path.parents}
    on_disk = set(_E2E.glob("test_*.py"))
    narrowed = any("::" in str(arg) for arg in session.config.args)
    FULL_E2E_RUN["yes"] = modules == on_disk and not narrowed and not FULL_E2E_RUN.get("deselected")
