"""Each function's role, as the SAM-translated template declares it, against every AWS call the
end-to-end suite saw that function make (moto enforces no IAM, so this is where a missing grant
shows up before AWS answers AccessDenied).

The local stack turns each call into the permissions it needs (`local.iam.needs`): action, the ARN
with index name, object key or queue, and the condition keys the request carries. This module runs
after every other e2e test (tests/e2e/conftest.py orders it last).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from local import iam
from local.translated import translated
from tests.e2e.conftest import FULL_E2E_RUN, STACK_NEEDS, Api

# Grants no e2e test uses, each with the reason it stays: (function, action, resource with the
# template's logical names). A grant neither used nor listed fails the suite: remove it, cover it
# with a test, or say here why neither can be done.
IDEMPOTENCY_CLEANUP = "removes an idempotency record when its request fails"
UNUSED_ON_PURPOSE: dict[tuple[str, str, str], str] = {
    ("AdditionalAccountFunction", "dynamodb:DeleteItem", "Table"): IDEMPOTENCY_CLEANUP,
    ("BackupsFunction", "dynamodb:DeleteItem", "Table"): IDEMPOTENCY_CLEANUP,
    ("BackupsFunction", "s3:GetObject", "BackupsBucket/tenants/*"): "a download link for a backup "
    "whose catalog entry has no S3 version",
    ("BackupWorkerFunction", "s3:GetObject", "BackupsBucket/tenants/*"): "reads a backup file whose "
    "catalog entry has no S3 version",
    ("BackupWorkerFunction", "s3:AbortMultipartUpload", "BackupsBucket/tenants/*"): "aborts the "
    "multipart upload of an export that fails half-way",
    ("PlatformWorkerFunction", "sqs:SendMessage", "PlatformQueue"): "sends a message it receives during a "
    "maintenance window back, delayed (tests/e2e/test_maintenance.py shows it with the backups worker)",
    ("BillingWorkerFunction", "sqs:SendMessage", "BillingQueue"): "sends a message it receives during a "
    "maintenance window back, delayed (tests/e2e/test_maintenance.py shows it with the backups worker)",
    ("PodcastsWorkerFunction", "sqs:SendMessage", "PodcastsQueue"): "sends a message it receives during a "
    "maintenance window back, delayed (tests/e2e/test_maintenance.py shows it with the backups worker)",
    ("SyncConflictsFunction", "dynamodb:DeleteItem", "Table"): "deletes the record when a conflict "
    "whose client side deleted it is resolved for the client (the e2e tests resolve an edit)",
    ("AccountsWorkerFunction", "sqs:SendMessage", "AccountsQueue"): "sends a message it receives during a "
    "maintenance window back, delayed (tests/e2e/test_maintenance.py shows it with the backups worker)",
}


def _observed(
    api: Api,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[iam.Need]], iam.Environment]:
    report = api.call("GET", "/_local/iam").body
    env = iam.Environment(**report["environment"])
    statements = iam.function_statements(translated(), env)
    seen: dict[str, list[iam.Need]] = {}
    for stack in [report, *STACK_NEEDS]:
        renamed = _renamer(iam.Environment(**stack["environment"]), env)
        for name, needs in stack["needs"].items():
            seen.setdefault(name, []).extend(
                replace(need, resource=renamed(need.resource)) for need in map(iam.Need.from_dict, needs)
            )
    return statements, seen, env


def _renamer(own: iam.Environment, shared: iam.Environment) -> Callable[[str], str]:
    """A stack of its own has its own physical names (user pool id, bucket names): its ARNs are
    put into the shared stack's names, which the statements are resolved against."""
    pairs = [
        (physical, names[logical])
        for mine, names in ((own.arns, shared.arns), (own.refs, shared.refs))
        for logical, physical in mine.items()
        if logical in names and physical and physical != names[logical]
    ]
    pairs.sort(key=lambda pair: -len(pair[0]))

    def renamed(resource: str) -> str:
        for theirs, ours in pairs:
            resource = resource.replace(theirs, ours)
        return resource

    return renamed


def _logical(resource: str, env: iam.Environment) -> str:
    """An ARN with the local stack's physical names put back as the template's logical ids."""
    for name, arn in sorted(env.arns.items(), key=lambda pair: -len(pair[1])):
        resource = resource.replace(arn, name)
    return resource


def refusals(statements: dict[str, list[dict[str, Any]]], seen: dict[str, list[iam.Need]]) -> list[str]:
    found = []
    for function, needs in sorted(seen.items()):
        for need in needs:
            if not iam.evaluate(statements[function], need):
                reason = f" ({need.why})" if need.why else ""
                if need.resource == iam.UNMODELLED:
                    reason = " (a call local/iam.py does not model yet: teach it)"
                found.append(f"{function}: {need.call} needs {need.action} on {need.resource}{reason}")
    return found


def test_no_function_makes_a_call_its_role_would_refuse(api: Api) -> None:
    statements, seen, _ = _observed(api)

    refused = refusals(statements, seen)

    assert sum(map(len, seen.values())) > 0, "no AWS call was recorded"
    assert not refused, "calls the deployed role would refuse:\n  " + "\n  ".join(refused)


def test_every_function_was_exercised_and_every_grant_used(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    if not FULL_E2E_RUN.get("yes"):
        pytest.skip("judges coverage and unused grants only when the whole e2e suite ran")
    statements, seen, env = _observed(api)

    idle = sorted(name for name, needs in seen.items() if not needs and _grants(name, statements))
    unused: dict[str, list[str]] = defaultdict(list)
    justified_and_used = []
    for function in statements:
        for grant in iam.grants(function, statements[function]):
            key = (function, grant.action, _logical(grant.resource, env))
            is_used = iam.used(grant, statements[function], seen.get(function, []))
            if not is_used:
                reason = UNUSED_ON_PURPOSE.get(key)
                unused[function].append(
                    f"{key[1]} {key[2]}" + (f"  [on purpose: {reason}]" if reason else "")
                )
            if is_used and key in UNUSED_ON_PURPOSE:
                justified_and_used.append(key)

    report = "\n".join(f"  {f}: {g}" for f, gs in sorted(unused.items()) for g in gs)
    with capsys.disabled():  # the list is for reading on every run, not only when it fails
        print(f"\n\ngrants no e2e test used:\n{report or '  none'}")
    unjustified = [line for line in report.splitlines() if "[on purpose:" not in line]
    assert not idle, f"functions no e2e test invoked, so their roles are unproven: {idle}"
    assert not unjustified, "grants no e2e test used (remove, cover or justify in UNUSED_ON_PURPOSE):\n" + (
        "\n".join(unjustified)
    )
    assert not justified_and_used, f"used now, drop from UNUSED_ON_PURPOSE: {justified_and_used}"


def _grants(function: str, statements: dict[str, list[dict[str, Any]]]) -> list[iam.Grant]:
    return iam.grants(function, statements.get(function, []))
