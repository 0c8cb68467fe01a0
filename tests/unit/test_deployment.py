"""What CloudFormation will deploy, read from the SAM-translated template (tools/sam_translate.py):
one stage, gateway errors a browser can read, logins that survive the stack, logs and alarms for
every function, private TLS-only buckets, the firewall, and Pillow only where it is used."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from local import iam
from local.template import ROOT, load
from local.translated import translated

TEMPLATE = load()
FUNCTIONS = sorted(TEMPLATE.functions)


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


@pytest.fixture(scope="module")
def deployed() -> dict[str, Any]:
    return translated()["Resources"]


def test_the_api_is_served_by_one_stage_only(deployed: dict[str, Any]) -> None:
    stages = _of_type(deployed, "AWS::ApiGateway::Stage")
    deployments = _of_type(deployed, "AWS::ApiGateway::Deployment")

    assert [s["Properties"]["StageName"] for s in stages.values()] == ["v1"]
    # A Deployment with a StageName creates that stage too (SAM's hidden "Stage").
    assert all("StageName" not in d["Properties"] for d in deployments.values()), deployments


def _gateway_responses(deployed: dict[str, Any]) -> dict[str, Any]:
    [api] = _of_type(deployed, "AWS::ApiGateway::RestApi").values()
    return api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]


def test_gateway_errors_are_json_in_the_shape_of_every_other_error(deployed: dict[str, Any]) -> None:
    responses = _gateway_responses(deployed)

    assert {"UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for name, response in responses.items():
        body = response["responseTemplates"]["application/json"]
        # API Gateway substitutes $context.error.messageString as a quoted JSON string.
        rendered = body.replace("$context.error.messageString", json.dumps("Missing Authentication Token"))
        rendered = rendered.replace("$context.requestId", "c0ffee-1d")
        assert "$context" not in rendered, name
        parsed = json.loads(rendered)
        # The OpenAPI document's `Error`, with the request id a report needs (`X-Request-Id` is API
        # Gateway's own id too).
        assert set(parsed) == {"error"} and {"code", "message", "request_id"} <= set(parsed["error"]), name
        assert parsed["error"]["request_id"] == "c0ffee-1d", name


def test_gateway_errors_carry_the_spas_origin(deployed: dict[str, Any]) -> None:
    for name, response in _gateway_responses(deployed).items():
        origin = response["responseParameters"].get("gatewayresponse.header.Access-Control-Allow-Origin")
        assert origin == {"Fn::Sub": "'${SpaBaseUrl}'"}, name


def test_logins_and_data_survive_the_stack(deployed: dict[str, Any]) -> None:
    for name in ("UserPool", "Table", "BackupsBucket"):
        assert deployed[name]["DeletionPolicy"] == "Retain", name
        assert deployed[name]["UpdateReplacePolicy"] == "Retain", name
    pool = deployed["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


@pytest.mark.parametrize(("allowed", "expected"), [("false", False), ("true", True)])
def test_password_sign_in_only_where_the_parameter_allows_it(allowed: str, expected: bool) -> None:
    translated_template = translated()
    env = iam.Environment(
        refs={}, arns={}, parameters={"AllowPasswordAuth": allowed}, region="eu-central-1", account="1"
    )
    env.conditions = translated_template["Conditions"]
    client = translated_template["Resources"]["UserPoolClient"]["Properties"]

    flows = env.resolve(client["ExplicitAuthFlows"])

    assert "ALLOW_USER_SRP_AUTH" in flows
    assert ("ALLOW_USER_PASSWORD_AUTH" in flows) is expected
    assert TEMPLATE.raw["Parameters"]["AllowPasswordAuth"]["Default"] == "false"


def test_every_function_logs_json_to_a_group_with_retention_and_is_traced(deployed: dict[str, Any]) -> None:
    groups = {
        json.dumps(g["Properties"]["LogGroupName"]): g["Properties"]
        for g in _of_type(deployed, "AWS::Logs::LogGroup").values()
    }
    for name in FUNCTIONS:
        function = deployed[name]["Properties"]
        assert function["LoggingConfig"]["LogFormat"] == "JSON", name
        assert function["TracingConfig"] == {"Mode": "Active"}, name
        group = groups.get(json.dumps({"Fn::Sub": f"/aws/lambda/${{{name}}}"}))
        assert group is not None, f"{name}: declare its log group"
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name
    assert TEMPLATE.raw["Parameters"]["LogRetentionDays"]["Default"] == 30


def test_every_function_has_an_alarm_on_errors_and_throttles_that_notifies_the_topic(
    deployed: dict[str, Any],
) -> None:
    alarms = _of_type(deployed, "AWS::CloudWatch::Alarm").values()

    def watched(alarm: dict[str, Any]) -> set[tuple[str, str]]:
        found = set()
        for metric in alarm["Properties"].get("Metrics", []):
            stat = metric.get("MetricStat", {}).get("Metric", {})
            for dimension in stat.get("Dimensions", []):
                found.add((stat["MetricName"], json.dumps(dimension["Value"])))
        return found

    covered = set().union(*(watched(a) for a in alarms))
    for name in FUNCTIONS:
        for metric in ("Errors", "Throttles"):
            assert (metric, json.dumps({"Ref": name})) in covered, f"{name}: alarm on {metric}"
    for alarm in alarms:
        actions = alarm["Properties"]["AlarmActions"]
        assert actions == {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
    names = {(a["Properties"].get("Namespace"), a["Properties"].get("MetricName")) for a in alarms}
    assert {("AWS/ApiGateway", "5XXError"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible")} <= names


def test_api_access_logs_name_the_route_and_never_the_raw_path_or_a_header(deployed: dict[str, Any]) -> None:
    [stage] = _of_type(deployed, "AWS::ApiGateway::Stage").values()
    stage = stage["Properties"]
    log_format = stage["AccessLogSetting"]["Format"]

    assert stage["TracingEnabled"] is True
    record = json.loads(re.sub(r"\$context\.[\w.]+", "x", log_format))
    assert "route" in record and "$context.resourcePath" in log_format
    # $context.path holds invitation tokens; headers hold the bearer token.
    assert not re.search(r"\$context\.path\b|\$input|\$context\.requestOverride|header", log_format, re.I)


def test_buckets_refuse_plain_http_and_tidy_up_uploads(deployed: dict[str, Any]) -> None:
    policies = {
        p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
        for p in _of_type(deployed, "AWS::S3::BucketPolicy").values()
    }
    for bucket in _of_type(deployed, "AWS::S3::Bucket"):
        env = iam.Environment(
            refs={}, arns={bucket: "arn:aws:s3:::b"}, parameters={}, region="eu-central-1", account="1"
        )
        statements = [*env.resolve(policies[bucket]), {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
        for secure, allowed in (("true", True), ("false", False)):
            request = iam.Need("s3:GetObject", "arn:aws:s3:::b/k", (("aws:SecureTransport", secure),))
            assert iam.evaluate(statements, request) is allowed, (bucket, secure)
        rules = deployed[bucket]["Properties"]["LifecycleConfiguration"]["Rules"]
        assert any(r.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation") for r in rules)
    logo_rules = deployed["LogosBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert {"Prefix": "uploads/", "ExpirationInDays": 1} in [
        {k: r[k] for k in ("Prefix", "ExpirationInDays") if k in r} for r in logo_rules
    ]


def test_the_firewall_limits_the_public_routes_and_can_be_turned_off(deployed: dict[str, Any]) -> None:
    [acl] = _of_type(deployed, "AWS::WAFv2::WebACL").values()
    [association] = _of_type(deployed, "AWS::WAFv2::WebACLAssociation").values()
    rules = acl["Properties"]["Rules"]

    limited = {
        r["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"]
        for r in rules
        if "RateBasedStatement" in r["Statement"]
    }
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in rules
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert limited == {"/v1/signup", "/v1/invitations/"}
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
    assert acl["Condition"] == association["Condition"] == "WafEnabled"
    assert "/stages/v1" in association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert [s["Properties"]["StageName"] for s in _of_type(deployed, "AWS::ApiGateway::Stage").values()] == [
        "v1"
    ]


def test_pillow_is_packaged_for_the_logo_and_cover_functions_only(deployed: dict[str, Any]) -> None:
    layers = _of_type(deployed, "AWS::Lambda::LayerVersion")
    imaging = next(name for name in layers if name.startswith("ImagingLayer"))
    with_imaging = sorted(
        name for name in FUNCTIONS if {"Ref": imaging} in deployed[name]["Properties"].get("Layers", [])
    )

    assert with_imaging == ["LogoFunction", "PodcastCoverFunction"]
    assert re.search(r"^pillow==", (ROOT / "layers/imaging/requirements.txt").read_text(), re.I | re.M)
    for function in TEMPLATE.functions.values():
        packaged = function.code_uri / "requirements.txt"
        assert not packaged.exists() or "pillow" not in packaged.read_text().lower(), function.logical_id
    assert "pillow" not in (ROOT / "layers/common/requirements.txt").read_text().lower()


def test_the_pdf_library_is_packaged_for_the_invoice_pdf_function_only(deployed: dict[str, Any]) -> None:
    layers = _of_type(deployed, "AWS::Lambda::LayerVersion")
    pdf = next(name for name in layers if name.startswith("PdfLayer"))
    with_pdf = sorted(
        name for name in FUNCTIONS if {"Ref": pdf} in deployed[name]["Properties"].get("Layers", [])
    )

    assert with_pdf == ["InvoicePdfFunction"]
    assert re.search(r"^fpdf2==", (ROOT / "layers/pdf/requirements.txt").read_text(), re.M)
    assert "fpdf" not in (ROOT / "layers/common/requirements.txt").read_text().lower()
    # Imported only where it renders: no handler module imports it when it loads.
    for path in (ROOT / "functions").rglob("*.py"):
        text = path.read_text()
        if "import fpdf" in text or "from fpdf" in text:
            assert path == ROOT / "functions/billing/billing/pdf.py", path


def test_the_layers_pin_every_transitive_dependency() -> None:
    # What the app's environment resolved (requirements/constraints.txt) must cover the layer:
    # every package the layer's top-level requirements pull in is pinned in its requirements.txt.
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    for layer in ("common", "imaging", "pdf"):
        pinned = {}
        for line in (ROOT / "layers" / layer / "requirements.txt").read_text().splitlines():
            if line and not line.startswith("#"):
                name, _, version = line.partition("==")
                assert version, f"{layer}: {line} is not pinned exactly"
                pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
        for name in list(pinned):
            for text in requires(name) or []:
                requirement = Requirement(text)
                if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                    continue
                dependency = re.sub(r"[-_.]+", "-", requirement.name).lower()
                assert dependency in pinned, f"{layer}: {name} needs {dependency}, which is not pinned"


def test_every_check_the_audit_skips_is_justified_in_the_readme() -> None:
    import yaml

    skipped = yaml.safe_load((ROOT / ".checkov.yaml").read_text())["skip-check"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    audit = readme[readme.index("### Audit") :]
    justified = set(re.findall(r"^\| (CKV_AWS_\d+) ", audit, re.M))

    assert set(skipped) == justified


def test_make_build_refuses_a_python_that_is_not_the_runtimes_minor_version(tmp_path: Any) -> None:
    import shutil
    import subprocess
    import sys

    runtime = TEMPLATE.raw["Globals"]["Function"]["Runtime"].removeprefix("python")
    # A stand-in interpreter that reports another minor version and is otherwise this one.
    other = f"3.{int(runtime.split('.')[1]) - 2}"
    fake = tmp_path / "python"
    fake.write_text(
        "#!/bin/sh\n"
        f'exec {sys.executable} -c "import sys; sys.version_info = (3, {other.split(".")[1]}, 0); '
        "import platform; platform.python_version = lambda: '" + other + '.0\'; exec(sys.argv[1])" "$2"\n'
    )
    fake.chmod(0o755)
    make = shutil.which("make")
    assert make

    refused = subprocess.run(
        [make, "-s", "check-python", f"PYTHON={fake}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    accepted = subprocess.run(
        [make, "-s", "check-python", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert refused.returncode != 0
    assert f"Python {other}.0; the functions run on python{runtime}" in refused.stderr
    assert accepted.returncode == (0 if sys.version_info[:2] == tuple(map(int, runtime.split("."))) else 2)


class _LogicalNames(dict[str, str]):
    """Every resource resolved to its logical id, so grants read as the template names them."""

    def __missing__(self, key: str) -> str:
        return key


def test_only_the_purge_deletes_object_versions_and_no_export_can_lose_its_claim_alive(
    deployed: dict[str, Any],
) -> None:
    """The backup worker deletes with a marker only, which is safe because a live attempt never
    loses its claim: the claim outlives the worker's timeout, so no other attempt can complete a
    backup whose file a marker would then hide."""
    from backups.domain import CLAIM_EXPIRES

    names = _LogicalNames()
    env = iam.Environment(refs=names, arns=names, parameters={}, region="eu-central-1", account="1")
    statements = iam.function_statements(translated(), env)
    deleting = {
        name
        for name in statements
        for grant in iam.grants(name, statements[name])
        if grant.action == "s3:DeleteObjectVersion" and "BackupsBucket" in grant.resource
    }
    worker = deployed["BackupWorkerFunction"]["Properties"]

    assert deleting == {"PlatformWorkerFunction"}
    assert worker["Timeout"] < CLAIM_EXPIRES.total_seconds()


def _alarm_dimensions(alarm: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(metric, dimension name, dimension value as JSON) of every metric an alarm watches."""
    props = alarm["Properties"]
    metrics = [
        {"MetricName": props.get("MetricName"), "Dimensions": props.get("Dimensions", [])},
        *(m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m),
    ]
    return {
        (m["MetricName"], d["Name"], json.dumps(d["Value"], sort_keys=True))
        for m in metrics
        for d in m.get("Dimensions", [])
    }


def test_every_schedule_queue_and_function_has_its_alarm(deployed: dict[str, Any]) -> None:
    """Found in the template as CloudFormation receives it, so a new schedule, queue or function
    without its alarm fails here: functions on errors and throttles, every dead-letter queue on its
    depth, every work queue through its dead-letter queue, every schedule through its group's
    failures and its dead-letter queue."""
    watched = set().union(
        *(_alarm_dimensions(a) for a in _of_type(deployed, "AWS::CloudWatch::Alarm").values())
    )

    def depth_alarmed(queue: str) -> bool:
        value = json.dumps({"Fn::GetAtt": [queue, "QueueName"]}, sort_keys=True)
        return ("ApproximateNumberOfMessagesVisible", "QueueName", value) in watched

    missing = []
    for name in _of_type(deployed, "AWS::Lambda::Function"):
        value = json.dumps({"Ref": name})
        missing += [
            f"{name}: {m}" for m in ("Errors", "Throttles") if (m, "FunctionName", value) not in watched
        ]
    queues = _of_type(deployed, "AWS::SQS::Queue")
    for name, queue in queues.items():
        redrive = queue["Properties"].get("RedrivePolicy")
        target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] if redrive else name
        if not depth_alarmed(target):
            missing.append(f"{name}: depth of its dead-letter queue {target}")
    schedules = _of_type(deployed, "AWS::Scheduler::Schedule")
    groups = _of_type(deployed, "AWS::Scheduler::ScheduleGroup")
    for name, schedule in schedules.items():
        props = schedule["Properties"]
        group = props.get("GroupName", "default")
        dead_letter = props["Target"].get("DeadLetterConfig", {}).get("Arn", {}).get("Fn::GetAtt", [None])[0]
        if not (isinstance(group, dict) and group.get("Ref") in groups):
            missing.append(f"{name}: in the stack's schedule group (the default group is every stack's)")
        for metric in (
            "TargetErrorCount",
            "InvocationDroppedCount",
            "InvocationsFailedToBeSentToDeadLetterCount",
        ):
            if (metric, "ScheduleGroup", json.dumps(group, sort_keys=True)) not in watched:
                missing.append(f"{name}: {metric} of its group")
        if dead_letter not in queues or not depth_alarmed(dead_letter):
            missing.append(f"{name}: a dead-letter queue with a depth alarm")
        assert props["Target"]["RetryPolicy"]["MaximumRetryAttempts"] > 0, name

    assert schedules and queues
    assert not missing, "\n".join(missing)


def test_every_public_route_has_its_own_throttle_below_the_stages(deployed: dict[str, Any]) -> None:
    """One public route flooded (no sign-in, so no tenant to count against) must leave the API to
    everyone else: each has a method throttle of its own, well below the stage's."""
    [stage] = _of_type(deployed, "AWS::ApiGateway::Stage").values()
    settings = {(m["ResourcePath"], m["HttpMethod"]): m for m in stage["Properties"]["MethodSettings"]}
    whole = settings[("/*", "*")]

    for route in TEMPLATE.routes:
        if not route.public:
            continue
        own = settings.get(("/" + route.path.replace("/", "~1"), route.method.upper()))
        assert own is not None, f"{route.key}: give it a method throttle"
        assert own["ThrottlingRateLimit"] * 4 <= whole["ThrottlingRateLimit"], route.key
        assert own["ThrottlingBurstLimit"] * 4 <= whole["ThrottlingBurstLimit"], route.key
