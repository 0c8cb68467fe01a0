"""Pure logic: password hygiene, key functions, ids, object keys, and the Scan guard."""

from __future__ import annotations

import time

import boto3
import pytest
from moto import mock_aws

from accounts import passwords
from kontor import ids, keys, storage
from kontor.access import Role, caller_from_claims
from kontor.errors import BadRequest, Forbidden, Unauthorized
from local.recorder import ScanForbidden, recorder

PERSON = {"email": "jan.kowalski@firma.de", "name": "Jan Kowalski", "tenant_name": "Firma Nord"}


@pytest.mark.parametrize(
    "password",
    ["correct-horse-battery", "Z4u!berhafte-Tage", "velvet-otter-harbour-93"],
)
def test_strong_passwords_pass(password: str) -> None:
    passwords.check(password, **PERSON)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("xq12345", "at least 12"),
        ("x" * 257, "at most 256"),
        ("qwertyuiop123", "Choose a stronger password"),
        ("kowalski-2024-!!", "your name"),
        ("Nord-Firma-2024!", "your name"),
        ("jan.kowalski@firma.de", "email address"),
    ],
)
def test_weak_or_personal_passwords_fail_with_a_reason(password: str, reason: str) -> None:
    with pytest.raises(BadRequest) as refused:
        passwords.check(password, **PERSON)
    assert refused.value.code == "weak_password"
    assert reason in refused.value.message


def test_keys_keep_tenants_in_their_own_range() -> None:
    assert keys.tenant_pk("abc") == "TENANT#abc"
    assert keys.member_sk("u1") == "MEMBER#u1"
    assert keys.email_pk("Anna@Example.COM") == "EMAIL#anna@example.com"
    assert keys.tenant_id_of(keys.tenant_pk("abc")) == "abc"


def test_ids_are_26_characters_and_sort_by_time() -> None:
    first = ids.new_id()
    time.sleep(0.002)
    second = ids.new_id()
    assert len(first) == len(second) == 26
    assert first < second
    assert len({ids.new_id() for _ in range(1000)}) == 1000
    assert ids.new_secret() != ids.new_secret()


@pytest.mark.parametrize("part", ["..", "../other", "a/b", "", ".hidden", "x" * 200])
def test_object_keys_cannot_leave_the_tenant_prefix(part: str) -> None:
    with pytest.raises(BadRequest):
        storage.tenant_key("01h00000000000000000000000", "logos", part)
    with pytest.raises(BadRequest):
        storage.tenant_key(part, "logos")


def test_object_keys_sit_below_the_tenant() -> None:
    assert storage.tenant_key("t1", "logos", "logo.png") == "tenants/t1/logos/logo.png"


def test_roles_rank_admin_over_member_over_viewer() -> None:
    assert Role.ADMIN.allows(Role.MEMBER)
    assert Role.MEMBER.allows(Role.VIEWER)
    assert not Role.VIEWER.allows(Role.MEMBER)
    assert not Role.MEMBER.allows(Role.ADMIN)


def test_claims_without_a_subject_or_of_an_access_token_are_refused() -> None:
    assert caller_from_claims({"sub": "u1", "email": "A@B.de", "token_use": "id"}).email == "a@b.de"
    for claims in (None, {}, {"sub": "u1", "token_use": "access"}):
        with pytest.raises(Unauthorized):
            caller_from_claims(claims)


def test_forbidden_names_the_needed_role() -> None:
    from kontor.access import Access, Caller

    context = Access("t1", Caller("u1", "a@b.de"), Role.VIEWER, "member")
    with pytest.raises(Forbidden, match="admin"):
        context.require(Role.ADMIN)


def test_a_table_scan_is_refused_and_queries_are_counted() -> None:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-central-1")
        dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        with recorder.recording() as calls:
            dynamodb.query(
                TableName="t",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "x"}},
            )
            with pytest.raises(ScanForbidden):
                dynamodb.scan(TableName="t")
        assert calls == {"dynamodb.Query": 1}


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize("length", [73, 100, 256])
def test_passwords_past_zxcvbns_72_characters_are_judged_not_raised(length: int) -> None:
    passwords.check(("velvet-otter-harbour-93-" * 11)[:length], **PERSON)


def test_a_weak_start_is_weak_however_long_the_password() -> None:
    with pytest.raises(BadRequest):
        passwords.check("a" * 200, **PERSON)


# The longest inputs the request schemas let through, in the characters that grow most in bytes
# when NFKD-normalised or lower-cased: every derived key must stay within DynamoDB's limits
# (2,048 bytes partition key, 1,024 bytes sort key).
SORT_KEY_BYTES = 1024
GROWING = ["\ufdfa", "\u3300", "\u0130", "\U0001f600", "ß"]


@pytest.mark.parametrize("char", GROWING)
def test_derived_sort_keys_stay_within_dynamodbs_limit(char: str) -> None:
    from kontor import tenancy
    from records.domain import name_key

    contact_name = char * 200  # records: Name max_length=200
    tenant_name = char * 120  # tenants and templates: Name max_length=120
    derived = [
        keys.contact_name_sk(name_key(contact_name), ids.new_id()),
        keys.directory_name_sk(tenancy.name_key(tenant_name), ids.new_id()),
        keys.template_name_sk(tenant_name),
    ]
    assert all(len(key.encode()) <= SORT_KEY_BYTES for key in derived), [len(k.encode()) for k in derived]


def test_email_keys_are_bounded_by_the_schema_in_bytes() -> None:
    from pydantic import TypeAdapter, ValidationError

    from kontor.types import MAX_EMAIL_BYTES, Email

    longest = TypeAdapter(Email).validate_python("a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".de")
    assert len(keys.invitee_sk(longest).encode()) <= SORT_KEY_BYTES
    assert len(longest.encode()) <= MAX_EMAIL_BYTES
    with pytest.raises(ValidationError):
        TypeAdapter(Email).validate_python("ä" * 64 + "@" + ".".join(["ü" * 60] * 3) + ".de")
