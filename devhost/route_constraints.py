"""Inline route constraints (`{id:int}`, `{code:length(3)}`, `{x:regex(^a)}`) as ASP.NET Core defines them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime


class RouteTemplateError(ValueError):
    """The template cannot be parsed or names an unknown constraint (the host skips such a route)."""


_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_FLOAT = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_HYPHENATED = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
# Guid.TryParse formats N, D, B and P.
_GUID = re.compile(rf"^([0-9a-f]{{32}}|{_HYPHENATED}|\{{{_HYPHENATED}\}}|\({_HYPHENATED}\))$", re.IGNORECASE)


def _integer(bits: int) -> Callable[[str], bool]:
    return lambda v: bool(_INT.match(v)) and -(2 ** (bits - 1)) <= int(v) < 2 ** (bits - 1)


_is_long = _integer(64)


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_SIMPLE: dict[str, Callable[[str], bool]] = {
    "int": _integer(32),
    "long": _is_long,
    "bool": lambda v: v.strip().lower() in ("true", "false"),
    "decimal": lambda v: bool(_FLOAT.match(v)),
    "double": lambda v: bool(_FLOAT.match(v)),
    "float": lambda v: bool(_FLOAT.match(v)),
    "guid": lambda v: bool(_GUID.match(v)),
    "alpha": lambda v: bool(re.fullmatch(r"[a-zA-Z]*", v)),
    "datetime": _is_datetime,
    "required": bool,
}


def build_constraint(text: str, template: str) -> Callable[[str], bool]:
    """A predicate for one constraint; an unknown one is an error, as the host refuses the route."""
    name, _, args = text.partition("(")
    key = name.strip().lower()
    if not args and key in _SIMPLE:
        return _SIMPLE[key]
    if not args.endswith(")"):
        raise RouteTemplateError(f"route {template!r}: unknown constraint {text!r}")
    args = args[:-1]
    if key == "regex":
        try:
            pattern = re.compile(args, re.IGNORECASE)  # ASP.NET's RegexRouteConstraint is not anchored
        except re.error as exc:
            raise RouteTemplateError(f"route {template!r}: invalid regex {args!r}: {exc}") from exc
        return lambda v: bool(pattern.search(v))
    numbers = [int(a) for a in args.split(",")] if re.fullmatch(r"\s*-?\d+\s*(,\s*-?\d+\s*)?", args) else []
    checks: dict[tuple[str, int], Callable[[str], bool]] = {
        ("minlength", 1): lambda v: len(v) >= numbers[0],
        ("maxlength", 1): lambda v: len(v) <= numbers[0],
        ("length", 1): lambda v: len(v) == numbers[0],
        ("length", 2): lambda v: numbers[0] <= len(v) <= numbers[1],
        ("min", 1): lambda v: _is_long(v) and int(v) >= numbers[0],
        ("max", 1): lambda v: _is_long(v) and int(v) <= numbers[0],
        ("range", 2): lambda v: _is_long(v) and numbers[0] <= int(v) <= numbers[1],
    }
    check = checks.get((key, len(numbers)))
    if check is None:
        raise RouteTemplateError(f"route {template!r}: unknown constraint {text!r}")
    return check
