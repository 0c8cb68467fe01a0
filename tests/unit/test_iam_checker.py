"""The IAM checker behind tests/e2e/test_iam.py: what each call needs, how a policy answers, and
that it refuses the three grants issue 11 found missing — on the policies as they were (kept here
as fixtures) — while the template's policies now allow them."""

from __future__ import annotations

from typing import Any

import pytest

from local import iam
from local.template import load
from local.translated import translated

REGION, ACCOUNT = "eu-central-1", "123456789012"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/kontor-table"
POOL = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_pool"
LOGOS = "arn:aws:s3:::kontor-logos"


def _needs(service: str, operation: str, params: dict[str, Any], error: str | None = None) -> list[iam.Need]:
    return iam.needs(service, operation, params, region=REGION, account=ACCOUNT, error_code=error)


ME_PARTNER_QUERY = _needs("dynamodb", "Query", {"TableName": "kontor-table", "KeyConditionExpression": "x"})
GET_USER = _needs("cognito-idp", "AdminGetUser", {"UserPoolId": f"{REGION}_pool", "Username": "a@b.de"})
HEAD_MISSING = _needs("s3", "HeadObject", {"Bucket": "kontor-logos", "Key": "tenants/t1/uploads/u1"}, "404")

# The statements as template.yaml declared them before issue 11 (resolved).
UNFIXED: dict[str, list[dict[str, Any]]] = {
    "MeFunction": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem"], "Resource": TABLE},
        {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": f"{TABLE}/index/gsi1"},
    ],
    "SignupFunction": [
        {
            "Effect": "Allow",
            "Action": [
                "cognito-idp:AdminCreateUser",
                "cognito-idp:AdminSetUserPassword",
                "cognito-idp:AdminDisableUser",
                "cognito-idp:AdminEnableUser",
                "cognito-idp:AdminDeleteUser",
                "cognito-idp:AdminUpdateUserAttributes",
            ],
            "Resource": POOL,
        }
    ],
    "InvitationsFunction": [
        {
            "Effect": "Allow",
            "Action": [
                "cognito-idp:AdminCreateUser",
                "cognito-idp:AdminSetUserPassword",
                "cognito-idp:AdminDeleteUser",
            ],
            "Resource": POOL,
        }
    ],
    "LogoFunction": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"{LOGOS}/tenants/*",
        }
    ],
}
DEFECTS = [
    ("MeFunction", ME_PARTNER_QUERY),
    ("SignupFunction", GET_USER),
    ("InvitationsFunction", GET_USER),
    ("LogoFunction", HEAD_MISSING),
]


def _current() -> dict[str, list[dict[str, Any]]]:
    names = load().resources
    arns = {name: f"arn:aws:cloudformation:::{name}" for name in names}
    arns.update(Table=TABLE, UserPool=POOL, LogosBucket=LOGOS, BackupsBucket="arn:aws:s3:::kontor-backups")
    env = iam.Environment(
        refs={name: name for name in names},
        arns=arns,
        parameters={**load().parameters, "MailFrom": "no-reply@kontor.example.com"},
        region=REGION,
        account=ACCOUNT,
    )
    return iam.function_statements(translated(), env)


@pytest.mark.parametrize(("function", "needs"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_the_checker_refuses_what_the_old_policies_lacked(function: str, needs: list[iam.Need]) -> None:
    assert not all(iam.evaluate(UNFIXED[function], need) for need in needs)


# /me no longer queries the base table at all: partner reach is paged by the sub-tenants route.
STILL_NEEDED = [d for d in DEFECTS if d[0] != "MeFunction"]


@pytest.mark.parametrize(("function", "needs"), STILL_NEEDED, ids=[d[0] for d in STILL_NEEDED])
def test_the_template_now_allows_them(function: str, needs: list[iam.Need]) -> None:
    statements = _current()[function]
    assert all(iam.evaluate(statements, need) for need in needs), needs


def test_a_missing_object_needs_list_bucket_only_when_s3_answers_404() -> None:
    found = _needs("s3", "HeadObject", {"Bucket": "b", "Key": "k"})
    missing = _needs("s3", "GetObject", {"Bucket": "b", "Key": "k"}, "NoSuchKey")

    assert [(n.action, n.resource) for n in found] == [("s3:GetObject", "arn:aws:s3:::b/k")]
    assert [(n.action, n.resource) for n in missing] == [
        ("s3:GetObject", "arn:aws:s3:::b/k"),
        ("s3:ListBucket", "arn:aws:s3:::b"),
    ]


def test_versions_transactions_and_indexes_need_their_own_actions_and_arns() -> None:
    versioned = _needs("s3", "DeleteObject", {"Bucket": "b", "Key": "k", "VersionId": "v"})
    transaction = _needs(
        "dynamodb",
        "TransactWriteItems",
        {"TransactItems": [{"Put": {"TableName": "t"}}, {"ConditionCheck": {"TableName": "t"}}]},
    )
    index = _needs("dynamodb", "Query", {"TableName": "t", "IndexName": "due"})

    assert [n.action for n in versioned] == ["s3:DeleteObjectVersion"]
    assert [n.action for n in transaction] == ["dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
    assert [n.resource for n in index] == [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t/index/due"]


def test_conditions_deny_and_unmodelled_calls() -> None:
    mail = {
        "Effect": "Allow",
        "Action": "ses:SendEmail",
        "Resource": "*",
        "Condition": {"StringEquals": {"ses:FromAddress": "no-reply@kontor.example.com"}},
    }
    own = _needs("ses", "SendEmail", {"Source": "Kontor <no-reply@kontor.example.com>"})
    other = _needs("ses", "SendEmail", {"Source": "spoof@kontor.example.com"})
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    read = _needs("s3", "GetObject", {"Bucket": "b", "Key": "k"})[0]
    unknown = _needs("kms", "Decrypt", {})[0]

    assert iam.evaluate([mail], own[0]) and not iam.evaluate([mail], other[0])
    assert iam.evaluate([allow], read) and not iam.evaluate([allow, deny], read)
    assert unknown.resource == iam.UNMODELLED and not iam.evaluate([{**allow, "Action": "*"}], unknown)


def test_an_unused_grant_is_found() -> None:
    statements = [{**s, "_policy": "p"} for s in UNFIXED["MeFunction"]]
    grants = iam.grants("MeFunction", statements)
    seen = _needs("dynamodb", "GetItem", {"TableName": "kontor-table"})

    assert [(g.action, iam.used(g, statements, seen)) for g in grants] == [
        ("dynamodb:GetItem", True),
        ("dynamodb:BatchGetItem", False),
        ("dynamodb:Query", False),
    ]
