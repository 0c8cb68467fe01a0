"""The backup file format: any items round-trip exactly, and damage of any kind is refused."""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backups import archive

TENANT = "01kf3v8q2m7x9c4d6e8g0h2j4k"
PK = f"TENANT#{TENANT}"
HEADER = archive.Header(
    tenant_id=TENANT,
    backup_id="01kf3w2y3z4a5b6c7d8e9f0g1h",
    kind="manual",
    exported_at="2026-11-23T09:00:00Z",
)
EXPECT = {"tenant_pk": PK, "tenant_id": TENANT, "backup_id": HEADER.backup_id}

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
scalars = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=40)),
    st.builds(lambda n: {"N": str(n)}, st.integers(-(10**12), 10**12)),
    st.builds(lambda b: {"B": b}, st.binary(min_size=1, max_size=40)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(min_size=1, max_size=8), min_size=1, max_size=4)),
    st.builds(
        lambda s: {"BS": sorted(s)}, st.sets(st.binary(min_size=1, max_size=8), min_size=1, max_size=3)
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.builds(lambda m: {"M": m}, st.dictionaries(names, inner, max_size=4)),
        st.builds(lambda items: {"L": items}, st.lists(inner, max_size=4)),
    ),
    max_leaves=12,
)
items = st.lists(
    st.builds(
        lambda sk, rest: {**rest, "pk": {"S": PK}, "sk": {"S": sk}},
        st.text(min_size=1, max_size=30),
        st.dictionaries(names.filter(lambda n: n not in {"pk", "sk"}), values, max_size=6),
    ),
    max_size=30,
    unique_by=lambda item: item["sk"]["S"],
).map(lambda found: sorted(found, key=lambda item: item["sk"]["S"]))


def written(rows: list[dict[str, Any]]) -> tuple[bytes, archive.Summary]:
    sink = io.BytesIO()
    summary = archive.write(sink, HEADER, rows)
    return sink.getvalue(), summary


@settings(max_examples=150, deadline=None)
@given(items)
def test_any_items_round_trip_exactly(rows: list[dict[str, Any]]) -> None:
    data, summary = written(rows)

    back = list(archive.read(io.BytesIO(data), expected=summary, **EXPECT))

    assert back == rows
    assert summary.item_count == len(rows)


def test_the_file_describes_itself() -> None:
    data, summary = written([{"pk": {"S": PK}, "sk": {"S": "CONTACT#1"}, "name": {"S": "Anna"}}])

    lines = [json.loads(line) for line in gzip.decompress(data).splitlines()]

    assert lines[0] == {
        "format": "kontor-backup",
        "version": 2,
        "tenant_id": TENANT,
        "backup_id": HEADER.backup_id,
        "kind": "manual",
        "exported_at": "2026-11-23T09:00:00Z",
        "item_encoding": "dynamodb-json",
    }
    assert lines[-1] == {"trailer": {"item_count": 1, "checksum": summary.checksum}}


ROWS = [{"pk": {"S": PK}, "sk": {"S": f"CONTACT#{n}"}, "name": {"S": f"N{n}"}} for n in range(5)]


def _lines(data: bytes) -> list[bytes]:
    return gzip.decompress(data).splitlines(keepends=True)


def _damaged(kind: str) -> bytes:
    data, _ = written(ROWS)
    lines = _lines(data)
    if kind == "truncated-gzip":
        return data[: len(data) // 2]
    if kind == "no-trailer":
        return gzip.compress(b"".join(lines[:-1]))
    if kind == "item-dropped":
        return gzip.compress(b"".join(lines[:2] + lines[3:]))
    if kind == "item-changed":
        return gzip.compress(b"".join(line.replace(b"N3", b"N9") for line in lines))
    if kind == "after-trailer":
        return gzip.compress(b"".join([*lines, lines[1]]))
    if kind == "not-json":
        return gzip.compress(b"".join([lines[0], b"{not json\n", *lines[1:]]))
    if kind == "not-gzip":
        return b"".join(lines)
    if kind == "foreign-tenant":
        return gzip.compress(b"".join([lines[0].replace(TENANT.encode(), b"0" * 26), *lines[1:]]))
    if kind == "other-format":
        return gzip.compress(b"".join([lines[0].replace(b"kontor-backup", b"other"), *lines[1:]]))
    if kind == "newer-version":
        return gzip.compress(b"".join([lines[0].replace(b'"version":2', b'"version":3'), *lines[1:]]))
    if kind == "item-outside":
        return gzip.compress(b"".join([lines[0], lines[1].replace(PK.encode(), b"TENANT#x"), *lines[2:]]))
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "truncated-gzip",
        "no-trailer",
        "item-dropped",
        "item-changed",
        "after-trailer",
        "not-json",
        "not-gzip",
        "foreign-tenant",
        "other-format",
        "newer-version",
        "item-outside",
    ],
)
def test_damage_is_refused(kind: str) -> None:
    _, summary = written(ROWS)

    with pytest.raises(archive.BackupRefused):
        archive.verify(io.BytesIO(_damaged(kind)), expected=summary, **EXPECT)


def test_a_consistent_file_that_is_not_the_cataloged_one_is_refused() -> None:
    original, summary = written(ROWS)
    other, _ = written(ROWS[:-1])

    with pytest.raises(archive.BackupRefused, match="recorded checksum"):
        archive.verify(io.BytesIO(other), expected=summary, **EXPECT)
    assert archive.verify(io.BytesIO(original), expected=summary, **EXPECT) == 5
