"""Which errors a route can answer, read from the code: the errors it constructs, and every function
of Kontor's own that it reaches.

A route's function is parsed; each call (or function passed along) that names one of Kontor's
functions is followed, and each construction of a `kontor.errors.KontorError` type is an answer —
its status from the type, its code from the `code=` argument (a literal, a module constant, or any
value of a module-level mapping) or else the type's own. Calls on objects whose type the code does
not name (`access.require(…)`) are not followed: the edge's refusals, which such calls raise, are
added by route kind in `local.openapi`. The OpenAPI document lists what this finds, so it cannot
drift from the code; the contract test checks every answered code against it.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from local.template import ROOT

Answer = tuple[int, str]  # (status, code)
_OWN = (ROOT / "functions", ROOT / "layers" / "common")


def answers(*functions: Callable[..., Any]) -> set[Answer]:
    """Every (status, code) the functions and what they reach can answer with."""
    found: set[Answer] = set()
    for function in functions:
        found |= _walk(inspect.unwrap(function))[0]
    return found


def reaches(function: Callable[..., Any], target: Callable[..., Any]) -> bool:
    """Whether `function` calls `target`, directly or through Kontor's own functions."""
    return inspect.unwrap(target) in _walk(inspect.unwrap(function))[1]


def _own(obj: Any) -> bool:
    try:
        file = inspect.getsourcefile(obj)
    except TypeError:
        return False
    return file is not None and any(Path(file).is_relative_to(root) for root in _OWN)


@functools.cache
def _walk(function: Callable[..., Any]) -> tuple[frozenset[Answer], frozenset[Callable[..., Any]]]:
    found: set[Answer] = set()
    reached: set[Callable[..., Any]] = set()
    _visiting.add(function)
    try:
        for obj, call in _references(function):
            if isinstance(obj, staticmethod | classmethod):
                obj = obj.__func__
            if isinstance(obj, type) and _is_error(obj):
                if call is not None:
                    found |= {(obj.status, code) for code in _codes(obj, call, function)}
                continue
            if not isinstance(obj, types.FunctionType | types.MethodType):
                continue
            target = inspect.unwrap(obj.__func__ if isinstance(obj, types.MethodType) else obj)
            if not _own(target) or target in _visiting:
                continue
            reached.add(target)
            answered, deeper = _walk(target)
            found |= answered
            reached |= deeper
    finally:
        _visiting.discard(function)
    return frozenset(found), frozenset(reached)


_visiting: set[Callable[..., Any]] = set()


def _is_error(cls: type) -> bool:
    from kontor.errors import KontorError

    return issubclass(cls, KontorError)


def _tree(function: Callable[..., Any]) -> ast.AST | None:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return None
    return ast.parse(source)


def _references(function: Callable[..., Any]) -> Iterator[tuple[Any, ast.Call | None]]:
    """What each name or dotted name in the function resolves to, with the call it is the callee of."""
    tree = _tree(function)
    if tree is None:
        return
    scope = {**_scope(function), **_local_imports(tree)}
    callees = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
            obj = _resolve(node, scope, function)
            if obj is not None:
                yield obj, callees.get(id(node))


def _local_imports(tree: ast.AST) -> dict[str, Any]:
    """What imports inside the function bind (heavy modules are imported where they are used)."""
    bound: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            module = importlib.import_module(node.module)
            for alias in node.names:
                bound[alias.asname or alias.name] = getattr(module, alias.name, None)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = importlib.import_module(alias.name)
                else:
                    head = alias.name.split(".", 1)[0]
                    importlib.import_module(alias.name)
                    bound[head] = sys.modules[head]
    return bound


def _scope(function: Callable[..., Any]) -> dict[str, Any]:
    scope = dict(getattr(function, "__globals__", {}))
    closure = getattr(function, "__closure__", None) or ()
    for name, cell in zip(function.__code__.co_freevars, closure, strict=False):
        try:
            scope[name] = cell.cell_contents
        except ValueError:
            continue
    return scope


def _resolve(node: ast.expr, scope: dict[str, Any], function: Callable[..., Any]) -> Any:
    if isinstance(node, ast.Name):
        if node.id in ("self", "cls"):
            return _owner(function)
        # A parameter's declared class (`body: UpdateContactRequest`, `context: Access`) names what its
        # methods are.
        return _parameter_classes(function).get(node.id) or scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope, function)
        if base is None or not (isinstance(base, types.ModuleType | type)):
            return None
        return (
            inspect.getattr_static(base, node.attr, None)
            if isinstance(base, type)
            else getattr(base, node.attr, None)
        )
    return None


@functools.cache
def _parameter_classes(function: Callable[..., Any]) -> dict[str, type]:
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        return {}
    found: dict[str, type] = {}
    for name, hint in hints.items():
        options = [hint] if isinstance(hint, type) else list(typing.get_args(hint))
        classes = [option for option in options if isinstance(option, type) and option is not type(None)]
        if name != "return" and len(classes) == 1 and _own(classes[0]):
            found[name] = classes[0]
    return found


def _owner(function: Callable[..., Any]) -> type | None:
    """The class a method is defined in, from its qualified name."""
    parts = function.__qualname__.split(".")
    if len(parts) < 2:
        return None
    obj: Any = sys.modules.get(function.__module__)
    for part in parts[:-1]:
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, type) else None


def _codes(cls: type, call: ast.Call, function: Callable[..., Any]) -> set[str]:
    for keyword in call.keywords:
        if keyword.arg != "code":
            continue
        value = keyword.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return {value.value}
        if isinstance(value, ast.Subscript):
            mapping = _resolve(value.value, _scope(function), function)
            if isinstance(mapping, dict):
                return {str(code) for code in mapping.values()}
        resolved = _resolve(value, _scope(function), function) if isinstance(value, ast.Name) else None
        if isinstance(resolved, str):
            return {resolved}
        raise ValueError(
            f"{function.__module__}.{function.__qualname__}: the code of {cls.__name__}(…) must be a "
            "literal, a module constant or a value of a module-level mapping, so the API document can name it"
        )
    init = cls.__dict__.get("__init__")
    if init is not None:  # an error type that passes its own code on (`super().__init__(…, code=…)`)
        tree = _tree(init)
        codes = {
            keyword.value.value
            for node in ast.walk(tree or ast.Module(body=[], type_ignores=[]))
            if isinstance(node, ast.Call)
            for keyword in node.keywords
            if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)
        }
        if codes:
            return codes
    return {cls.code}  # type: ignore[attr-defined]
