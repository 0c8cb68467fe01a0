"""The one mapping between rows and domain objects: by field name, with the types the domain says."""

from __future__ import annotations

from dataclasses import dataclass, field

from kontor import mapping
from kontor.models import TenantItem


@dataclass(frozen=True)
class Thing:
    id: str
    name: str
    version: int
    partner_access: bool
    ancestors: tuple[str, ...]
    parent_id: str | None
    fences: dict
    missing_with_default: str = "kept"
    tags: list[str] = field(default_factory=list)


def test_a_row_becomes_the_domain_object_with_the_domains_types() -> None:
    row = TenantItem(
        "TENANT#t1", "TENANT", id="t1", name="Schmidt", version=3, partner_access=True, ancestors=["a", "b"]
    )
    row.version = 3.0  # numbers come back from DynamoDB as floats or Decimals

    thing = mapping.domain(row, Thing)

    assert thing == Thing(
        id="t1",
        name="Schmidt",
        version=3,
        partner_access=True,
        ancestors=("a", "b"),
        parent_id=None,
        fences={},
        missing_with_default="kept",
        tags=[],
    )
    assert isinstance(thing.version, int)


def test_absent_collections_are_empty_and_absent_optionals_none() -> None:
    row = TenantItem("TENANT#t2", "TENANT", id="t2", name="Leer", version=1, partner_access=False)
    row.ancestors = None

    thing = mapping.domain(row, Thing)

    assert thing.ancestors == ()
    assert thing.parent_id is None
    assert thing.partner_access is False


def test_known_values_win_and_attributes_round_trip() -> None:
    row = TenantItem(
        "TENANT#t3", "TENANT", id="t3", name="Alt", version=1, partner_access=True, ancestors=["p"]
    )

    thing = mapping.domain(row, Thing, name="Neu")
    stored = mapping.attributes(thing, TenantItem)

    assert thing.name == "Neu"
    assert stored["ancestors"] == ["p"]  # tuples are stored as lists
    assert "missing_with_default" not in stored and "tags" not in stored  # not attributes of the row
    assert TenantItem("TENANT#t3", "TENANT", **stored).name == "Neu"
