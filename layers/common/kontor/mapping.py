"""The one mapping between table rows and domain objects, by field name.

A domain dataclass names the attributes it needs; `domain()` reads each from the row (numbers to
int, lists to tuples, maps to dicts, defaults where the row has none), `attributes()` gives them
back for writing. API schemas are built from domain objects by pydantic (`from_attributes`), so an
entity is declared once per layer and never converted by hand.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar

from pynamodb.attributes import MapAttribute
from pynamodb.models import Model

T = TypeVar("T")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _origin(hint: Any) -> Any:
    """`int` for `int | None`, `tuple` for `tuple[str, ...]`."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and args:
        hint = args[0]
    return typing.get_origin(hint) or hint


def _nullable(hint: Any) -> bool:
    return type(None) in typing.get_args(hint)


def _value(raw: Any, hint: Any) -> Any:
    kind = _origin(hint)
    if raw is None:
        # A collection the row does not hold is empty, unless the domain tells "none" from "empty".
        return None if _nullable(hint) or kind not in (tuple, list, dict) else kind()
    if kind is int:
        return int(raw)
    if kind is bool:
        return bool(raw)
    if kind is tuple:
        return tuple(raw)
    if kind is list:
        return list(raw)
    if kind is dict:
        return raw.as_dict() if isinstance(raw, MapAttribute) else dict(raw)
    if dataclasses.is_dataclass(kind):  # a typed map of the row, e.g. an address
        return domain(raw, kind)  # type: ignore[arg-type]
    return raw


def domain(row: Model | MapAttribute, cls: type[T], **known: Any) -> T:
    """The domain object `cls` (a dataclass) from `row`; `known` supplies fields the row lacks."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in known:
            values[field.name] = known[field.name]
            continue
        value = _value(getattr(row, field.name, None), _hints(cls)[field.name])
        if value is None and field.default is not dataclasses.MISSING:
            value = field.default
        elif value is None and field.default_factory is not dataclasses.MISSING:
            value = field.default_factory()
        values[field.name] = value
    return cls(**values)


def attributes(obj: Any, model: type[Model], *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields of domain object `obj` that `model` stores, ready for `model(pk, sk, **attributes)`."""
    stored = model.get_attributes()
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(obj).items()
        if name in stored and name not in exclude and name not in ("pk", "sk")
    }
