"""template.yaml keeps the promises the design makes: one table with its indexes, private storage,
short tokens, least privilege, and every function importable with a sample event."""

from __future__ import annotations

import importlib
import json
import re

from local.template import ROOT, load

TEMPLATE = load()


def test_every_handler_imports_without_touching_aws() -> None:
    # conftest set fake credentials and no endpoint: an AWS call at import would fail here.
    for function in TEMPLATE.functions.values():
        module, attribute = function.handler.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), attribute)), function.logical_id


def test_routes_are_unique_and_only_the_declared_ones_are_public() -> None:
    keys = [route.key for route in TEMPLATE.routes]
    assert len(keys) == len(set(keys))
    public = {route.key for route in TEMPLATE.routes if route.public}
    assert public == {
        "GET /health",
        "GET /config",
        "GET /openapi.json",
        "GET /docs",
        "POST /signup",
        "POST /signup/verify",
        "POST /signup/resend",
        "GET /invitations/{token}",
        "POST /invitations/{token}/accept",
        "GET /notices/public",
        # A podcast's feed, audio and cover: what podcast apps fetch (`podcasts.feeds` checks the licence).
        "GET /feeds/{channelId}",
        "GET /feeds/{channelId}/episodes/{episodeFile}",
        "GET /feeds/{channelId}/covers/{coverFile}",
    }
    api = TEMPLATE.resources["Api"]["Properties"]
    assert api["Auth"]["DefaultAuthorizer"] == "CognitoAuthorizer"


def test_api_gateway_can_build_every_path() -> None:
    # API Gateway keeps one resource per path part: below one parent, every variable part must
    # have the same name ("A sibling ({x}) of this resource already has a variable path part").
    variables: dict[str, set[str]] = {}
    for route in TEMPLATE.routes:
        parts = route.path.strip("/").split("/")
        for depth, part in enumerate(parts):
            if part.startswith("{"):
                variables.setdefault("/".join(parts[:depth]), set()).add(part)
    clashing = {parent: names for parent, names in variables.items() if len(names) > 1}
    assert not clashing, f"sibling path variables with different names: {clashing}"


def test_every_route_has_a_sample_event() -> None:
    samples = [json.loads(path.read_text()) for path in (ROOT / "events").glob("*.json")]
    covered = {f"{s['httpMethod']} {s['resource']}" for s in samples if "httpMethod" in s}
    missing = {route.key for route in TEMPLATE.routes} - covered - {"GET /openapi.json", "GET /docs"}
    assert not missing, f"add sample events for {sorted(missing)}"


def test_the_table_has_keys_indexes_ttl_and_recovery() -> None:
    [table] = TEMPLATE.of_type("AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert [k["AttributeName"] for k in props["KeySchema"]] == ["pk", "sk"]
    indexes = {index["IndexName"]: index for index in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"gsi1", "gsi2", "gsi3", "due"}
    from kontor.models import DIRECTORY_ATTRIBUTES  # the directory pages show what the indexes project

    for name in ("gsi2", "gsi3"):
        assert indexes[name]["Projection"]["NonKeyAttributes"] == DIRECTORY_ATTRIBUTES
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["DeletionPolicy"] == "Retain"


def test_buckets_are_private_and_encrypted_and_backups_versioned() -> None:
    buckets = TEMPLATE.of_type("AWS::S3::Bucket")
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
    assert buckets["BackupsBucket"]["Properties"]["VersioningConfiguration"]["Status"] == "Enabled"


def test_passwords_and_tokens_follow_the_policy() -> None:
    pool = TEMPLATE.resources["UserPool"]["Properties"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    client = TEMPLATE.resources["UserPoolClient"]["Properties"]
    # SRP always; USER_PASSWORD_AUTH only with AllowPasswordAuth (tests/unit/test_deployment.py).
    condition, with_password, without = client["ExplicitAuthFlows"]["Fn::If"]
    assert condition == "PasswordAuth"
    assert set(with_password) - set(without) == {"ALLOW_USER_PASSWORD_AUTH"}
    assert client["IdTokenValidity"] <= 60


def test_a_signed_in_user_cannot_write_what_the_product_trusts() -> None:
    # Without WriteAttributes an app client may write every standard attribute: a user could
    # change the `email` in their own tokens (and with it whose invitations they may accept).
    client = TEMPLATE.resources["UserPoolClient"]["Properties"]
    assert "WriteAttributes" in client
    assert not {"email", "email_verified", "phone_number", "phone_number_verified"} & set(
        client["WriteAttributes"]
    )


def test_functions_get_least_privilege() -> None:
    for name, function in TEMPLATE.of_type("AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            assert isinstance(policy, dict) and "Statement" in policy, f"{name}: inline statements only"
            for statement in policy["Statement"]:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                assert all("*" not in action for action in actions), f"{name}: {actions}"
                assert "dynamodb:Scan" not in actions, name
                if statement["Resource"] == "*":
                    assert actions == ["ses:SendEmail"] and "Condition" in statement, name


def test_every_job_queue_has_a_dead_letter_queue_its_worker_may_use() -> None:
    consumers = TEMPLATE.queue_consumers
    assert consumers
    for consumer in consumers:
        queue = TEMPLATE.resources[consumer.queue]["Properties"]
        dead_letter = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        worker = TEMPLATE.resources[consumer.function]["Properties"]
        # KONTOR_DEAD_LETTER_QUEUE_URL, or a context's own name for it (KONTOR_PLATFORM_…)
        named = {
            name: value
            for name, value in worker["Environment"]["Variables"].items()
            if name.endswith("DEAD_LETTER_QUEUE_URL")
        }
        assert list(named.values()) == [{"Ref": dead_letter}], consumer.function
        # The worker sends to both: a message naming an unknown job to the dead-letter queue, and
        # during a maintenance window each message back to its own queue, delayed (`kontor.jobs`).
        sendable = {
            arn["Fn::GetAtt"][0]
            for statement in _statements(worker)
            if "sqs:SendMessage" in _as_list(statement["Action"])
            for arn in _as_list(statement["Resource"])
            if isinstance(arn, dict) and "Fn::GetAtt" in arn
        }
        assert {consumer.queue, dead_letter} <= sendable, consumer.function


def _statements(function: dict) -> list[dict]:
    return [s for policy in function.get("Policies", []) for s in policy.get("Statement", [])]


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def test_schedules_are_named_from_the_stack() -> None:
    # Scheduler names are unique per account, region and group: a second stack must not collide.
    for function in TEMPLATE.of_type("AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "ScheduleV2":
                assert event["Properties"]["Name"]["Fn::Sub"].startswith("${AWS::StackName}-")


def test_runtime_is_python_313_on_arm64() -> None:
    function_globals = TEMPLATE.raw["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]


def test_every_tenant_route_has_a_minimum_role_and_no_other_route_does() -> None:
    from kontor.permissions import MINIMUM_ROLE

    tenant_routes = {
        route.key
        for route in TEMPLATE.routes
        if "{tenantId}" in route.path and not route.path.startswith("/operator/")
    }
    assert set(MINIMUM_ROLE) == tenant_routes


def test_the_operator_routes_are_all_under_operator_and_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    operator_routes = [route for route in TEMPLATE.routes if route.path.startswith("/operator/")]
    assert operator_routes
    for route in operator_routes:
        assert re.search(rf"\| `{route.method} {re.escape(route.path)}` \| operators \|", readme), route.key


def test_the_readme_states_every_routes_minimum_role() -> None:
    from kontor.permissions import MINIMUM_ROLE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for route, role in MINIMUM_ROLE.items():
        method, path = route.split(" ", 1)
        assert re.search(rf"\| `{method} {re.escape(path)}` \| {role.value} \|", readme), route


def test_every_function_with_tenant_routes_may_read_what_the_tenant_check_reads() -> None:
    # The gate reads membership and tenant in one batch (for partners one more batch of ancestors);
    # the write path reads the tenant's fences again when its read grew old.
    for name, function in TEMPLATE.of_type("AWS::Serverless::Function").items():
        paths = [
            event.get("Properties", {}).get("Path", "")
            for event in function["Properties"].get("Events", {}).values()
        ]
        if not any("{tenantId}" in path and not path.startswith("/operator/") for path in paths):
            continue
        actions = {
            action
            for policy in function["Properties"]["Policies"]
            for statement in policy["Statement"]
            for action in (
                statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            )
        }
        assert {"dynamodb:GetItem", "dynamodb:BatchGetItem"} <= actions, name
        methods = {
            event.get("Properties", {}).get("Method", "get")
            for event in function["Properties"].get("Events", {}).values()
            if event.get("Type") == "Api"
        }
        # ... count every request against the tenant's rate (an update, `kontor.throttles`) and
        # write a partner's audit entries: reads counted by the hour (an update), changes one each
        # (a put).
        assert "dynamodb:UpdateItem" in actions, name
        if methods - {"get"}:
            assert "dynamodb:PutItem" in actions, name
