"""Create the template's resources on an AWS endpoint (moto) and resolve the functions' environment.

moto cannot deploy a SAM template, so each resource type the template uses is created with boto3
from the template's own properties. A resource type without a creator here fails loudly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import boto3

from local.intrinsics import Environment
from local.template import Template

STACK = "kontor-local"
# What the local stack deploys with: the tests and the README sign in with USER_PASSWORD_AUTH.
# What a deployment passes as parameters; locally mails link to a SPA on localhost.
LOCAL_PARAMETERS = {
    "AllowPasswordAuth": "true",
    "MailFrom": "no-reply@kontor.example.com",
    "SpaBaseUrl": "http://localhost:5173",
}


@dataclass
class Stack:
    """Physical ids of what was created, by logical id: what `!Ref` and `!GetAtt` resolve to."""

    refs: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and "Ref" in value:
            name = value["Ref"]
            return self.parameters[name] if name in self.parameters else self.refs[name]
        if isinstance(value, dict) and "Fn::Sub" in value:
            return re.sub(
                r"\$\{([\w:]+)\}", lambda m: str(self.resolve({"Ref": m.group(1)})), value["Fn::Sub"]
            )
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            name, attribute = value["Fn::GetAtt"]
            if attribute == "Arn":
                return self.arns[name]
            raise KeyError(f"unsupported attribute {name}.{attribute}")
        return value

    def environment(self, template: Template, function: str) -> dict[str, str]:
        variables = {**template.global_environment, **template.functions[function].environment}
        return {name: str(self.resolve(value)) for name, value in variables.items()}

    def own_environment(self, template: Template, function: str) -> dict[str, str]:
        """The variables the function declares itself (not the template's globals), resolved."""
        variables = template.functions[function].environment
        return {name: str(self.resolve(value)) for name, value in variables.items()}


def physical_name(logical_id: str) -> str:
    return f"{STACK}-{logical_id.lower()}"


def _table(props: dict[str, Any], logical_id: str, stack: Stack) -> None:
    name = physical_name(logical_id)
    dynamodb = boto3.client("dynamodb")
    spec: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        spec["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    description = dynamodb.create_table(**spec)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    stack.refs[logical_id] = name
    stack.arns[logical_id] = description["TableArn"]


def _bucket(props: dict[str, Any], logical_id: str, stack: Stack) -> None:
    name = physical_name(logical_id)
    s3 = boto3.client("s3")
    region = s3.meta.region_name
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    if "BucketEncryption" in props:
        rules = [
            {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
            for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    stack.refs[logical_id] = name
    stack.arns[logical_id] = f"arn:aws:s3:::{name}"


def _queue(props: dict[str, Any], logical_id: str, stack: Stack) -> None:
    name = physical_name(logical_id)
    sqs = boto3.client("sqs")
    attributes = {
        key: str(props[key]) for key in ("VisibilityTimeout", "MessageRetentionPeriod") if key in props
    }
    if "RedrivePolicy" in props:
        policy = props["RedrivePolicy"]
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": stack.resolve(policy["deadLetterTargetArn"]),
                "maxReceiveCount": policy["maxReceiveCount"],
            }
        )
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.refs[logical_id] = url
    stack.arns[logical_id] = arn


def _user_pool(props: dict[str, Any], logical_id: str, stack: Stack) -> None:
    cognito = boto3.client("cognito-idp")
    keys = (
        "UsernameAttributes",
        "UsernameConfiguration",
        "AdminCreateUserConfig",
        "AccountRecoverySetting",
        "Policies",
        "Schema",
    )
    pool = cognito.create_user_pool(
        PoolName=physical_name(logical_id), **{k: props[k] for k in keys if k in props}
    )["UserPool"]
    stack.refs[logical_id] = pool["Id"]
    stack.arns[logical_id] = pool["Arn"]


def _user_pool_client(props: dict[str, Any], logical_id: str, stack: Stack) -> None:
    cognito = boto3.client("cognito-idp")
    keys = (
        "GenerateSecret",
        "ExplicitAuthFlows",
        "PreventUserExistenceErrors",
        "EnableTokenRevocation",
        "WriteAttributes",
        "ReadAttributes",
        "IdTokenValidity",
        "AccessTokenValidity",
        "RefreshTokenValidity",
        "TokenValidityUnits",
    )
    created = cognito.create_user_pool_client(
        UserPoolId=stack.resolve(props["UserPoolId"]),
        ClientName=props.get("ClientName", physical_name(logical_id)),
        **{k: props[k] for k in keys if k in props},
    )
    stack.refs[logical_id] = created["UserPoolClient"]["ClientId"]


_CREATORS = {
    "AWS::DynamoDB::Table": _table,
    "AWS::S3::Bucket": _bucket,
    "AWS::SQS::Queue": _queue,
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
}
# Declared in the template but with nothing to create locally: code, API wiring, the layers, and
# what only operates a deployment (logs, alarms, the firewall, bucket policies).
_NOT_LOCAL = {
    "AWS::Serverless::Function",
    "AWS::Serverless::Api",
    "AWS::Serverless::LayerVersion",
    "AWS::Logs::LogGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::S3::BucketPolicy",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    # Schedules are fired by hand locally (`/_local/schedules`), so their group is not needed.
    "AWS::Scheduler::ScheduleGroup",
    # Moto enforces no IAM; roles of our own are proven by tests/unit/test_tenant_credentials.py.
    "AWS::IAM::Role",
}


def _order(template: Template) -> list[str]:
    """Dependencies first: a resource comes after every resource its properties refer to."""
    names = list(template.resources)

    def refers(value: Any) -> set[str]:
        if isinstance(value, dict):
            if "Ref" in value and value["Ref"] in template.resources:
                return {value["Ref"]}
            if "Fn::GetAtt" in value:
                return {value["Fn::GetAtt"][0]}
            return set().union(*(refers(v) for v in value.values())) if value else set()
        if isinstance(value, list):
            return set().union(*(refers(v) for v in value)) if value else set()
        return set()

    done: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        for dependency in sorted(refers(template.resources[name].get("Properties", {}))):
            if template.resources[dependency]["Type"] in _CREATORS:
                visit(dependency)
        done.append(name)

    for name in names:
        visit(name)
    return done


def provision(template: Template, parameters: dict[str, Any] | None = None) -> Stack:
    """Create every resource of `template` through boto3 (pointed at moto by the caller)."""
    stack = Stack(parameters={**template.parameters, **LOCAL_PARAMETERS, **(parameters or {})})
    intrinsics = Environment(
        refs=stack.refs,
        arns=stack.arns,
        parameters=stack.parameters,
        region=boto3.session.Session().region_name or "us-east-1",
        account="123456789012",
        stack_name=STACK,
        conditions=template.raw.get("Conditions", {}),
    )
    for logical_id in _order(template):
        resource = template.resources[logical_id]
        kind = resource["Type"]
        if kind in _NOT_LOCAL:
            continue
        if kind not in _CREATORS:
            raise NotImplementedError(f"the local stack cannot create {kind} ({logical_id})")
        if "Condition" in resource and not intrinsics.condition(resource["Condition"]):
            continue
        # Conditions (`!If`) and references resolved, as CloudFormation would.
        _CREATORS[kind](intrinsics.resolve(resource.get("Properties", {})), logical_id, stack)
    # SES refuses mail from an unverified sender, as on AWS.
    boto3.client("ses").verify_email_identity(EmailAddress=stack.parameters["MailFrom"])
    return stack
