"""Each function's role, as the SAM-translated template declares it, against every AWS call the
end-to-end suite saw that function make (moto enforces no IAM, so this is where a missing grant
shows up before AWS answers AccessDenied).

The local stack turns each call into the permissions it needs (`local.iam.needs`): action, the ARN
with index name, object key or queue, and the condition keys the request carries. This module runs
after every other e2e test (tests/e2e/conftest.py orders it last).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from local import iam
from local.translated import translated
from tests.e2e.conftest import FULL_E2E_RUN, Api

# Grants no e2e test uses, each with the reason it stays. A grant that is neither used nor listed
# here fails the suite: remove it, cover it with a test, or say here why neither can be done.
UNUSED_ON_PURPOSE: dict[tuple[str, str], str] = {}


def _observed(api: Api) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[iam.Need]]]:
    report = api.call("GET", "/_local/iam").body
    env = iam.Environment(**report["environment"])
    statements = iam.function_statements(translated(), env)
    seen = {name: [iam.Need.from_dict(n) for n in needs] for name, needs in report["needs"].items()}
    return statements, seen


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


@pytest.mark.xfail(
    strict=True,
    reason="issue 11's known defects: MeFunction's base-table Query, AdminGetUser in Signup and "
    "Invitations, LogoFunction without s3:ListBucket (fixed in the template next)",
)
def test_no_function_makes_a_call_its_role_would_refuse(api: Api) -> None:
    statements, seen = _observed(api)

    refused = refusals(statements, seen)

    assert sum(map(len, seen.values())) > 0, "no AWS call was recorded"
    assert not refused, "calls the deployed role would refuse:\n  " + "\n  ".join(refused)


def test_every_function_was_exercised_and_every_grant_used(api: Api) -> None:
    if not FULL_E2E_RUN.get("yes"):
        pytest.skip("judges coverage and unused grants only when the whole e2e suite ran")
    statements, seen = _observed(api)

    idle = sorted(name for name, needs in seen.items() if not needs and _grants(name, statements))
    unused: dict[str, list[str]] = defaultdict(list)
    for function in statements:
        for grant in iam.grants(function, statements[function]):
            key = (function, f"{grant.action} {grant.resource}")
            if not iam.used(grant, statements[function], seen.get(function, [])) and (
                key not in UNUSED_ON_PURPOSE
            ):
                unused[function].append(key[1])
    stale = sorted(
        key
        for key in UNUSED_ON_PURPOSE
        if any(
            f"{g.action} {g.resource}" == key[1] and iam.used(g, statements[key[0]], seen.get(key[0], []))
            for g in iam.grants(key[0], statements.get(key[0], []))
        )
    )

    report = "\n".join(f"  {f}: {g}" for f, gs in sorted(unused.items()) for g in gs)
    print(f"\ngrants no e2e test used:\n{report or '  none'}")
    assert not idle, f"functions no e2e test invoked, so their roles are unproven: {idle}"
    assert not unused, "grants no e2e test used (remove, cover or justify in UNUSED_ON_PURPOSE):\n" + report
    assert not stale, f"listed as unused but used now: drop them from UNUSED_ON_PURPOSE: {stale}"


def _grants(function: str, statements: dict[str, list[dict[str, Any]]]) -> list[iam.Grant]:
    return iam.grants(function, statements.get(function, []))
