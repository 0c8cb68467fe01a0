"""What IAM asks of each AWS call a function makes, and whether the function's role allows it.

Moto does not enforce IAM, so a call the deployed role would refuse succeeds locally. The local stack
turns every call a function makes into the permissions it needs (`needs`: action, resource ARN with
index names and object keys, the condition keys the request carries); the tests evaluate those
against each function's role as the SAM-translated template declares it (`Policies`, `evaluate`).

The model covers the calls Kontor makes. A call it does not know is reported as unmodelled rather
than guessed, so a new kind of call makes the test fail until someone teaches it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import unquote, urlparse

from local.intrinsics import Environment

__all__ = [
    "UNMODELLED",
    "Environment",
    "Grant",
    "Need",
    "evaluate",
    "function_statements",
    "grants",
    "needs",
    "used",
]

UNMODELLED = "?"  # the resource of a call this module does not know how to authorize


@dataclass(frozen=True)
class Need:
    """One permission one call needs: IAM checks each separately."""

    action: str  # service:Operation as IAM names it, e.g. dynamodb:Query
    resource: str  # the ARN IAM evaluates, e.g. …:table/T/index/gsi1 or arn:aws:s3:::bucket/key
    context: tuple[tuple[str, str], ...] = ()  # condition keys the request carries
    call: str = ""  # the API call that needs it, e.g. s3.HeadObject
    why: str = ""  # a non-obvious reason, shown when it is refused

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "context": [list(pair) for pair in self.context],
            "call": self.call,
            "why": self.why,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Need:
        return cls(
            action=data["action"],
            resource=data["resource"],
            context=tuple(tuple(pair) for pair in data.get("context", [])),  # type: ignore[misc]
            call=data.get("call", ""),
            why=data.get("why", ""),
        )


# ------------------------------------------------------------------ calls → needs

_MISSING_KEY = {"404", "NoSuchKey", "NotFound"}
_S3_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "DeleteObject": "s3:DeleteObject",
    "GetObjectTagging": "s3:GetObjectTagging",
    "PutObjectTagging": "s3:PutObjectTagging",
}
# With a VersionId the same operation is a different IAM action.
_S3_VERSIONED = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
}
_S3_BUCKET_ACTIONS = {
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
}
_DYNAMODB_TRANSACT = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}
_SQS_BATCH = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def needs(
    service: str,
    operation: str,
    params: Mapping[str, Any],
    *,
    region: str,
    account: str,
    error_code: str | None = None,
) -> list[Need]:
    """The permissions one call needs. `error_code` is what AWS answered, where that matters."""
    call = f"{service}.{operation}"

    def need(action: str, resource: str, context: Iterable[tuple[str, str]] = (), why: str = "") -> Need:
        return Need(action, resource, tuple(context), call, why)

    if service == "dynamodb":
        return _dynamodb(operation, params, region, account, need)
    if service == "s3":
        return _s3(operation, params, error_code, need)
    if service == "sqs":
        url = urlparse(params.get("QueueUrl", ""))
        owner, _, name = url.path.strip("/").partition("/")
        arn = f"arn:aws:sqs:{region}:{owner or account}:{name}"
        return [need(f"sqs:{_SQS_BATCH.get(operation, operation)}", arn)]
    if service in {"ses", "sesv2"} and operation in {"SendEmail", "SendRawEmail"}:
        source = params.get("Source") or params.get("FromEmailAddress") or ""
        address = parseaddr(source)[1] or source
        identity = f"arn:aws:ses:{region}:{account}:identity/{address}"
        action = "ses:SendRawEmail" if operation == "SendRawEmail" else "ses:SendEmail"
        return [need(action, identity, [("ses:FromAddress", address)])]
    if service == "cognito-idp" and "UserPoolId" in params:
        pool = f"arn:aws:cognito-idp:{region}:{account}:userpool/{params['UserPoolId']}"
        return [need(f"cognito-idp:{operation}", pool)]
    return [need(f"{service}:{operation}", UNMODELLED)]


def _dynamodb(operation: str, params: Mapping[str, Any], region: str, account: str, need: Any) -> list[Need]:
    def table(name: str) -> str:
        return name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account}:table/{name}"

    if operation in {"BatchGetItem", "BatchWriteItem"}:
        return [need(f"dynamodb:{operation}", table(name)) for name in params.get("RequestItems", {})]
    if operation in {"TransactWriteItems", "TransactGetItems"}:
        found = []
        for item in params.get("TransactItems", []):
            for kind, action in _DYNAMODB_TRANSACT.items():
                if kind in item:
                    found.append(need(action, table(item[kind]["TableName"])))
        return found
    if "TableName" not in params:
        return [need(f"dynamodb:{operation}", UNMODELLED)]
    resource = table(params["TableName"])
    if operation in {"Query", "Scan"} and params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    return [need(f"dynamodb:{operation}", resource)]


def _s3(operation: str, params: Mapping[str, Any], error_code: str | None, need: Any) -> list[Need]:
    bucket = f"arn:aws:s3:::{params.get('Bucket', '')}"
    if operation in _S3_BUCKET_ACTIONS:
        context = [("s3:prefix", params["Prefix"])] if "Prefix" in params else []
        return [need(_S3_BUCKET_ACTIONS[operation], bucket, context)]
    if operation == "DeleteObjects":
        return [
            need(
                "s3:DeleteObjectVersion" if "VersionId" in o else "s3:DeleteObject",
                f"{bucket}/{o['Key']}",
            )
            for o in params.get("Delete", {}).get("Objects", [])
        ]
    if operation in {"CopyObject", "UploadPartCopy"}:
        source = params.get("CopySource")
        if isinstance(source, Mapping):
            source = f"{source['Bucket']}/{source['Key']}"
        return [
            need("s3:PutObject", f"{bucket}/{params['Key']}"),
            need("s3:GetObject", f"arn:aws:s3:::{unquote(str(source).lstrip('/')).split('?')[0]}"),
        ]
    if operation not in _S3_OBJECT_ACTIONS:
        return [need(f"s3:{operation}", UNMODELLED)]
    action = _S3_OBJECT_ACTIONS[operation]
    if params.get("VersionId"):
        action = _S3_VERSIONED.get(action, action)
    found = [need(action, f"{bucket}/{params.get('Key', '')}")]
    if operation in {"GetObject", "HeadObject"} and error_code in _MISSING_KEY:
        found.append(
            need(
                "s3:ListBucket",
                bucket,
                why="S3 answers 404 for a missing key only to a caller that may list the bucket; "
                "to any other it answers 403 AccessDenied",
            )
        )
    return found


# ------------------------------------------------------------------ policies

# The AWS managed policies SAM attaches to function roles, as far as they matter here.
MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    "AWSLambdaBasicExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "AWSLambdaSQSQueueExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
    ],
    "AWSXrayWriteOnlyAccess": [
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ],
            "Resource": "*",
        }
    ],
}


@dataclass(frozen=True)
class Grant:
    """One action on one resource pattern that one statement of a role allows."""

    function: str
    policy: str
    action: str
    resource: str
    statement: int  # its index in the function's statements


def function_statements(translated: Mapping[str, Any], env: Environment) -> dict[str, list[dict[str, Any]]]:
    """Each Lambda function's identity-policy statements, resolved, by logical id.

    Inline statements carry `_policy` (the policy's name) so unused grants can be named; managed
    policies are expanded from `MANAGED_POLICIES` and an unknown one fails loudly.
    """
    resources = translated["Resources"]
    env.conditions = dict(translated.get("Conditions", {}))
    found: dict[str, list[dict[str, Any]]] = {}
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        role_ref = resource["Properties"]["Role"]
        role = resources[role_ref["Fn::GetAtt"][0]]["Properties"]
        statements: list[dict[str, Any]] = []
        for policy in env.resolve(role.get("Policies", [])):
            for statement in _as_list(policy["PolicyDocument"]["Statement"]):
                statements.append({**statement, "_policy": policy["PolicyName"]})
        for arn in env.resolve(role.get("ManagedPolicyArns", [])):
            short = str(arn).rsplit("/", 1)[-1]
            if short not in MANAGED_POLICIES:
                raise KeyError(f"{name}: managed policy {arn} is not modelled in local/iam.py")
            statements.extend({**s, "_policy": f"managed:{short}"} for s in MANAGED_POLICIES[short])
        found[name] = statements
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _pattern(glob: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(f"^{regex}$", re.IGNORECASE if ignore_case else 0)


def _any_match(patterns: Any, value: str, *, ignore_case: bool = False) -> bool:
    return any(_pattern(str(p), ignore_case=ignore_case).match(value) for p in _as_list(patterns))


_OPERATORS = {
    "StringEquals": lambda want, have: have == want,
    "StringNotEquals": lambda want, have: have != want,
    "StringEqualsIgnoreCase": lambda want, have: have.lower() == want.lower(),
    "StringLike": lambda want, have: bool(_pattern(want).match(have)),
    "StringNotLike": lambda want, have: not _pattern(want).match(have),
    "ArnEquals": lambda want, have: have == want,
    "ArnLike": lambda want, have: bool(_pattern(want).match(have)),
    "Bool": lambda want, have: have.lower() == str(want).lower(),
}


_VARIABLE = re.compile(r"\$\{([\w:/.-]+)\}")


def _with_variables(patterns: Any, context: Mapping[str, list[str]]) -> list[str]:
    """Policy variables (`${aws:PrincipalTag/tenant_id}`) put in from the request's context; a
    pattern whose variable the request does not carry matches nothing, so it is left out."""
    found = []
    for pattern in _as_list(patterns):
        names = _VARIABLE.findall(str(pattern))
        if all(len(context.get(name, [])) == 1 for name in names):
            found.append(_VARIABLE.sub(lambda m: context[m.group(1)][0], str(pattern)))
    return found


def _holds(operator: str, negative: bool, patterns: list[str], value: str) -> bool:
    results = [_OPERATORS[operator](w, value) for w in patterns]
    return all(results) if negative else any(results)


def _conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, list[str]]) -> bool:
    for operator, tests in conditions.items():
        quantifier, _, rest = operator.rpartition(":")  # ForAllValues: / ForAnyValue: on a set of values
        if_exists = rest.endswith("IfExists")
        base = rest.removesuffix("IfExists")
        if base not in _OPERATORS or quantifier not in {"", "ForAllValues", "ForAnyValue"}:
            raise ValueError(f"condition operator {operator} is not modelled in local/iam.py")
        negative = "Not" in base
        for key, wanted in tests.items():
            patterns = _with_variables(wanted, context)
            have = context.get(key, [])

            if quantifier == "ForAllValues":  # every value the request carries (none: holds)
                if not all(_holds(base, negative, patterns, value) for value in have):
                    return False
                continue
            if quantifier == "ForAnyValue":
                if not any(_holds(base, negative, patterns, value) for value in have):
                    return False
                continue
            if not have:
                if if_exists or negative:
                    continue
                return False
            if not _holds(base, negative, patterns, have[0]):
                return False
    return True


def _context(need: Need) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in need.context:
        values.setdefault(key, []).append(value)
    return values


def _matches(statement: Mapping[str, Any], need: Need) -> bool:
    if "Action" in statement and not _any_match(statement["Action"], need.action, ignore_case=True):
        return False
    if "NotAction" in statement and _any_match(statement["NotAction"], need.action, ignore_case=True):
        return False
    context = _context(need)
    if "Resource" in statement and not _any_match(
        _with_variables(statement["Resource"], context), need.resource
    ):
        return False
    if "NotResource" in statement and _any_match(
        _with_variables(statement["NotResource"], context), need.resource
    ):
        return False
    return _conditions_hold(statement.get("Condition", {}), context)


def evaluate(statements: list[dict[str, Any]], need: Need) -> bool:
    """IAM's answer for an identity policy: an explicit deny wins, then any allow, else denied."""
    if need.resource == UNMODELLED:
        return False
    if any(s["Effect"] == "Deny" and _matches(s, need) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and _matches(s, need) for s in statements)


def grants(function: str, statements: list[dict[str, Any]]) -> list[Grant]:
    """The inline grants of a function (SAM's managed policies are not ours to trim)."""
    return [
        Grant(function, s["_policy"], action, resource, index)
        for index, s in enumerate(statements)
        if s["Effect"] == "Allow" and not s["_policy"].startswith("managed:")
        for action in _as_list(s.get("Action", []))
        for resource in _as_list(s.get("Resource", []))
    ]


def used(grant: Grant, statements: list[dict[str, Any]], seen: Iterable[Need]) -> bool:
    """Whether some observed need is allowed by exactly this grant's action and resource."""
    narrowed = {**statements[grant.statement], "Action": grant.action, "Resource": grant.resource}
    return any(_matches(narrowed, need) for need in seen)
