"""The tenant-scoped role (`TenantDataRole`), as CloudFormation receives it, evaluated for its own
tenant's keys and another's: assumed with the session tag `tenant_id`, it reaches that tenant's
items and objects and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from local import iam
from local.translated import translated

TABLE = "arn:aws:dynamodb:eu-central-1:111122223333:table/kontor-table"
LOGOS = "arn:aws:s3:::kontor-logos"
BACKUPS = "arn:aws:s3:::kontor-backups"
OWN = "01jd3own0000000000000000aa"
FOREIGN = "01jd3foreign00000000000000"


@pytest.fixture(scope="module")
def role() -> dict[str, Any]:
    return translated()["Resources"]["TenantDataRole"]["Properties"]


def _env() -> iam.Environment:
    return iam.Environment(
        refs={},
        arns={"Table": TABLE, "LogosBucket": LOGOS, "BackupsBucket": BACKUPS},
        parameters={},
        region="eu-central-1",
        account="111122223333",
        stack_name="kontor",
    )


@pytest.fixture(scope="module")
def scoped(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in _env().resolve(role["Policies"])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def _as(tenant_id: str | None, action: str, resource: str, *context: tuple[str, str]) -> iam.Need:
    tag = (("aws:PrincipalTag/tenant_id", tenant_id),) if tenant_id else ()
    return iam.Need(action, resource, (*tag, *context))


def _items(*pks: str) -> tuple[tuple[str, str], ...]:
    return tuple(("dynamodb:LeadingKeys", pk) for pk in pks)


@pytest.mark.parametrize(
    "action", ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"]
)
def test_the_own_tenants_items_are_reached_and_a_foreign_tenants_are_not(
    scoped: list[dict[str, Any]], action: str
) -> None:
    own = _as(OWN, action, TABLE, *_items(f"TENANT#{OWN}"))
    below = _as(OWN, action, TABLE, *_items(f"TENANT#{OWN}#01jd3invitation000000000000"))
    foreign = _as(OWN, action, TABLE, *_items(f"TENANT#{FOREIGN}"))

    assert iam.evaluate(scoped, own)
    assert iam.evaluate(scoped, below)
    assert not iam.evaluate(scoped, foreign)


def test_no_key_outside_the_tenants_range_is_reached(scoped: list[dict[str, Any]]) -> None:
    # a batch with one foreign key among own ones, a tenant id that merely starts like the own one,
    # global items, an index (its partition key is not the tenant's), and no session tag at all
    refused = [
        _as(OWN, "dynamodb:BatchGetItem", TABLE, *_items(f"TENANT#{OWN}", f"TENANT#{FOREIGN}")),
        _as(OWN, "dynamodb:GetItem", TABLE, *_items(f"TENANT#{OWN}x")),
        _as(OWN, "dynamodb:GetItem", TABLE, *_items("USER#01jd3user00000000000000")),
        _as(OWN, "dynamodb:UpdateItem", TABLE, *_items(f"THROTTLE#requests#{OWN}")),
        _as(OWN, "dynamodb:Query", f"{TABLE}/index/gsi1", *_items(f"TENANT#{OWN}")),
        _as(None, "dynamodb:GetItem", TABLE, *_items(f"TENANT#{OWN}")),
        _as(OWN, "dynamodb:Scan", TABLE),
    ]

    assert [n for n in refused if iam.evaluate(scoped, n)] == []


def test_the_own_tenants_objects_are_reached_and_a_foreign_tenants_are_not(
    scoped: list[dict[str, Any]],
) -> None:
    for bucket in (LOGOS, BACKUPS):
        own = _as(OWN, "s3:GetObject", f"{bucket}/tenants/{OWN}/backups/b.jsonl.gz")
        written = _as(OWN, "s3:PutObject", f"{bucket}/tenants/{OWN}/logo.png")
        foreign = _as(OWN, "s3:GetObject", f"{bucket}/tenants/{FOREIGN}/backups/b.jsonl.gz")
        lookalike = _as(OWN, "s3:GetObject", f"{bucket}/tenants/{OWN}x/logo.png")
        listed = _as(OWN, "s3:ListBucket", bucket, ("s3:prefix", f"tenants/{OWN}/backups/"))
        listed_foreign = _as(OWN, "s3:ListBucket", bucket, ("s3:prefix", f"tenants/{FOREIGN}/"))
        listed_all = _as(OWN, "s3:ListBucket", bucket)

        assert iam.evaluate(scoped, own) and iam.evaluate(scoped, written), bucket
        assert iam.evaluate(scoped, listed), bucket
        assert not any(iam.evaluate(scoped, n) for n in (foreign, lookalike, listed_foreign, listed_all)), (
            bucket
        )
    # only the purge deletes object versions
    assert not iam.evaluate(scoped, _as(OWN, "s3:DeleteObjectVersion", f"{BACKUPS}/tenants/{OWN}/b"))


def test_it_is_assumed_only_with_the_tenant_as_its_one_session_tag(role: dict[str, Any]) -> None:
    trust = _env().resolve(role["AssumeRolePolicyDocument"])["Statement"]

    def assume(*tags: tuple[str, str]) -> bool:
        context = [(f"aws:RequestTag/{k}", v) for k, v in tags] + [("aws:TagKeys", k) for k, _ in tags]
        return all(
            iam.evaluate(trust, iam.Need(action, "*", tuple(context)))
            for action in ("sts:AssumeRole", "sts:TagSession")
        )

    assert assume(("tenant_id", OWN))
    assert not assume()
    assert not assume(("tenant_id", ""))
    assert not assume(("tenant_id", OWN), ("role", "admin"))
    [statement] = trust
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}  # the account's own
