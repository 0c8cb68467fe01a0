"""The contract test: Schemathesis generates requests from the API's own `/openapi.json` and checks
every answer against it — status, error code, body schema, headers, content type; positive data
accepted, negative data refused, required headers required, unknown methods 405 with `Allow` — on a
local stack of its own (the shared one's call budgets and IAM record stay untouched).

Three bounded runs (`tests/contract/schemathesis.toml`; about two minutes on two cores):

1. a signed-in tenant admin, on a tenant with a seeded contact, appointment, template, invitation,
   backup, the tenant management licence and a sub-tenant: every phase — examples, coverage,
   fuzzing and the stateful phase that follows the document's links from each create to its
   reads, updates and deletes;
2. nobody signed in: every protected route must answer 401, the public ones their contract;
3. an operator, on the `/operator/` routes.

A run fails on any failure; the statuses it accepts beyond Schemathesis' defaults are listed with
their reasons in the README (Contract → What the contract test accepts). `CONTRACT_EXAMPLES=N`
raises the examples per operation for a longer run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from local.template import ROOT
from tests.e2e.conftest import Account, Api, running_stack
from tests.support import link_token

CONFIG = ROOT / "tests" / "contract" / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).parent / "st"


def test_the_api_keeps_the_contract_its_document_states(tmp_path: Path) -> None:
    with running_stack("--no-delivery") as api:
        # Given a signed-in admin of a tenant with one of each resource, and an operator
        owner = api.new_account("Vertrag GmbH")
        seeded = _seed(api, owner)
        environment = {
            **os.environ,
            "KONTOR_TENANT_ID": owner.tenant_id,
            "KONTOR_USER_ID": owner.user_id,
            **{f"KONTOR_{name.upper()}": value for name, value in seeded.items()},
        }
        operator = api.operator()
        examples = os.environ.get("CONTRACT_EXAMPLES")
        more = ["--max-examples", examples] if examples else []

        # When Schemathesis runs as the admin, as nobody, and as the operator
        runs = {
            "signed in": _run(
                api, environment, tmp_path, "-H", f"Authorization: Bearer {owner.token}", *more
            ),
            "anonymous": _run(
                api, environment, tmp_path, "--phases", "coverage,fuzzing", "--max-examples", examples or "3"
            ),
            "operator": _run(
                api,
                environment,
                tmp_path,
                "-H",
                f"Authorization: Bearer {operator.token}",
                "--include-path-regex",
                "^/operator/",
                *more,
            ),
        }

    # Then no run finds a failure
    for name, (code, output) in runs.items():
        assert code == 0, f"the contract test ({name}) failed:\n{output[-20000:]}"


def _seed(api: Api, owner: Account) -> dict[str, str]:
    tenant_id, token = owner.tenant_id, owner.token

    def create(path: str, body: dict) -> str:
        reply = api.call("POST", f"/tenants/{tenant_id}{path}", token=token, json_body=body)
        assert reply.status in (201, 202), (path, reply.status, reply.body)
        return reply.body["id"]

    contact = create("/contacts", {"kind": "person", "name": "Erika Mustermann"})
    seeded = {
        "contact_id": contact,
        "appointment_id": create(
            "/appointments",
            {
                "title": "Jahresgespräch",
                "starts_at": "2026-12-01T09:00:00Z",
                "ends_at": "2026-12-01T10:00:00Z",
                "contact_ids": [contact],
            },
        ),
        "template_id": create("/templates", {"name": "Begrüßung", "kind": "email", "body": "Hallo"}),
        "invitation_id": create("/invitations", {"email": "gast@example.com", "role": "member"}),
        # Pending (nothing delivers the work here): a restore of it is refused, so no fuzzed request
        # can fence the tenant for the rest of the run.
        "backup_id": create("/backups", {"note": "vorher"}),
        "subtenant_id": api.subtenant(owner, "Kunde"),  # with the tenant management licence
    }
    seeded["invitation_token"] = link_token(api.outbox("gast@example.com")[0]["text"])
    return seeded


def _run(api: Api, environment: dict[str, str], reports: Path, *options: str) -> tuple[int, str]:
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{api.url}/openapi.json",
            "--url",
            api.url,
            "--report-dir",
            str(reports),
            *options,
        ],
        env={**environment, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr
