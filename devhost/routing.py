"""HTTP route templates and route selection as the Functions host does them.

The host maps every HTTP function to an ASP.NET Core `Route` named by `routePrefix/route`, adds an
`httpMethod` constraint when the trigger lists methods, and orders the routes with its own
comparison (WebJobs.Extensions.Http `WebJobsRouteBuilder.RouteComparison`): segment by segment, a
literal beats a parameter, a parameter with more inline constraints beats one with fewer, literals
compare case-insensitively, and a longer template beats a shorter one. The first route whose
template, constraints and method all match wins; when none does the host answers 404 (also when
only the method differs: it does not answer 405).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import unquote

from devhost.route_constraints import RouteTemplateError, build_constraint

T = TypeVar("T")


@dataclass(frozen=True)
class Parameter:
    name: str
    constraints: tuple[Callable[[str], bool], ...] = ()
    optional: bool = False
    catch_all: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Segment:
    parts: tuple[str | Parameter, ...]  # literal text or a parameter, in order

    @property
    def first(self) -> str | Parameter:
        return self.parts[0]

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """A complex segment such as `{name}.{ext}` as one pattern; greedy, as ASP.NET matches right to left."""
        pattern = "".join(
            re.escape(part) if isinstance(part, str) else f"(?P<p{index}>.+)" for index, part in enumerate(self.parts)
        )
        return re.compile(f"^{pattern}$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class RouteTemplate:
    text: str
    segments: tuple[Segment, ...]

    def match(self, path: str) -> dict[str, str] | None:
        """Route values for a request path (without query), or None when it does not match."""
        request = [_decode(s) for s in path.strip("/").split("/")] if path.strip("/") else []
        values: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            first = segment.first
            if isinstance(first, Parameter) and first.catch_all:
                rest = "/".join(request[index:])
                if not rest and first.default is None:
                    return values
                return values if _bind(first, rest or first.default, values) else None
            if index >= len(request):
                return values if _rest_is_optional(self.segments[index:], values) else None
            if not _match_segment(segment, request[index], values):
                return None
        return values if len(request) <= len(self.segments) else None


@dataclass(frozen=True)
class Route(Generic[T]):
    template: RouteTemplate
    methods: frozenset[str]  # empty: any method
    target: T = field(compare=False)

    def allows(self, method: str) -> bool:
        return not self.methods or method.upper() in self.methods


class Router(Generic[T]):
    """Routes in host order; `resolve` returns the first that matches path and method."""

    def __init__(self, routes: Iterable[Route[T]]):
        self.routes: list[Route[T]] = sorted(routes, key=functools.cmp_to_key(compare_routes))

    def resolve(self, method: str, path: str) -> tuple[Route[T], dict[str, str]] | None:
        for route in self.routes:
            if not route.allows(method):
                continue
            values = route.template.match(path)
            if values is not None:
                return route, values
        return None


def compare_routes(x: Route[T], y: Route[T]) -> int:
    """The host's RouteComparison: negative when `x` is more specific than `y`."""
    xs, ys = x.template.segments, y.template.segments
    for index, x_segment in enumerate(xs):
        if index >= len(ys):
            return -1
        a, b = x_segment.first, ys[index].first
        if isinstance(a, str) and isinstance(b, Parameter):
            return -1
        if isinstance(a, Parameter) and isinstance(b, str):
            return 1
        if isinstance(a, Parameter) and isinstance(b, Parameter):
            if len(a.constraints) != len(b.constraints):
                return -1 if len(a.constraints) > len(b.constraints) else 1
        elif isinstance(a, str) and isinstance(b, str) and a.upper() != b.upper():
            return -1 if a.upper() < b.upper() else 1
    return 1 if len(ys) > len(xs) else 0


def parse_template(text: str) -> RouteTemplate:
    """Parse an ASP.NET Core route template: literals, `{id}`, `{id:int}`, `{id?}`, `{id=5}`, `{*rest}`."""
    body = text.removeprefix("~").strip("/")
    segments = tuple(_parse_segment(raw, text) for raw in body.split("/")) if body else ()
    names = [p.name.lower() for s in segments for p in s.parts if isinstance(p, Parameter)]
    if len(names) != len(set(names)):
        raise RouteTemplateError(f"route {text!r} uses a parameter name twice")
    for index, segment in enumerate(segments):
        params = [p for p in segment.parts if isinstance(p, Parameter)]
        if any(p.catch_all for p in params) and (index != len(segments) - 1 or len(segment.parts) > 1):
            raise RouteTemplateError(f"route {text!r}: a catch-all parameter must be the whole last segment")
        if any(p.optional for p in params) and index != len(segments) - 1 and len(segment.parts) == 1:
            later = [q for s in segments[index + 1 :] for q in s.parts]
            if not all(isinstance(q, Parameter) and (q.optional or q.catch_all) for q in later):
                raise RouteTemplateError(f"route {text!r}: an optional parameter must come at the end")
    return RouteTemplate(text, segments)


def _parse_segment(raw: str, template: str) -> Segment:
    if not raw:
        raise RouteTemplateError(f"route {template!r} has an empty segment")
    parts: list[str | Parameter] = []
    literal, i = "", 0
    while i < len(raw):
        char = raw[i]
        if raw.startswith("{{", i) or raw.startswith("}}", i):
            literal, i = literal + char, i + 2
        elif char == "{":
            end = _closing_brace(raw, i, template)
            if literal:
                parts.append(literal)
                literal = ""
            if parts and isinstance(parts[-1], Parameter):
                raise RouteTemplateError(f"route {template!r}: two parameters need a literal between them")
            parts.append(_parse_parameter(raw[i + 1 : end].replace("{{", "{").replace("}}", "}"), template))
            i = end + 1
        elif char in "}?":
            raise RouteTemplateError(f"route {template!r} has a stray {char!r}")
        else:
            literal, i = literal + char, i + 1
    if literal:
        parts.append(literal)
    return Segment(tuple(parts))


def _closing_brace(raw: str, start: int, template: str) -> int:
    i = start + 1
    while i < len(raw):
        if raw.startswith("}}", i) or raw.startswith("{{", i):
            i += 2
        elif raw[i] == "}":
            return i
        else:
            i += 1
    raise RouteTemplateError(f"route {template!r} has an unclosed '{{'")


_PARAMETER = re.compile(r"^(?P<star>\*{1,2})?(?P<name>[^:=?*{}/]+)(?P<rest>.*)$", re.DOTALL)


def _parse_parameter(inner: str, template: str) -> Parameter:
    match = _PARAMETER.match(inner)
    if not match:
        raise RouteTemplateError(f"route {template!r} has an invalid parameter {{{inner}}}")
    rest, default, optional = match["rest"], None, False
    constraints: list[str] = []
    while rest.startswith(":"):
        text, rest = _take_constraint(rest[1:])
        constraints.append(text)
    if rest.startswith("="):
        default, rest = rest[1:], ""
    elif rest == "?":
        optional, rest = True, ""
    if rest:
        raise RouteTemplateError(f"route {template!r} has an invalid parameter {{{inner}}}")
    if optional and default is not None:
        raise RouteTemplateError(f"route {template!r}: {{{inner}}} cannot be optional and have a default")
    return Parameter(
        match["name"],
        tuple(build_constraint(c, template) for c in constraints),
        optional=optional,
        catch_all=bool(match["star"]),
        default=default,
    )


def _take_constraint(text: str) -> tuple[str, str]:
    """Split off one constraint; parentheses may hold ':' (e.g. `regex(^a:b$)`)."""
    depth = 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char in ":=?":
            return text[:i], text[i:]
    return text, ""


def _decode(segment: str) -> str:
    # ASP.NET Core decodes the path except %2F, which stays encoded so it cannot split a segment.
    return unquote(re.sub("%2[fF]", "%252F", segment))


def _bind(param: Parameter, value: str, values: dict[str, str]) -> bool:
    if not all(check(value) for check in param.constraints):
        return False
    values[param.name] = value
    return True


def _match_segment(segment: Segment, text: str, values: dict[str, str]) -> bool:
    if len(segment.parts) == 1:
        part = segment.first
        if isinstance(part, str):
            return part.lower() == text.lower()
        if not text:
            return False
        return _bind(part, text, values)
    match = segment.regex.match(text)
    if not match:
        return False
    return all(
        _bind(part, match[f"p{index}"], values)
        for index, part in enumerate(segment.parts)
        if isinstance(part, Parameter)
    )


def _rest_is_optional(segments: Sequence[Segment], values: dict[str, str]) -> bool:
    for segment in segments:
        part = segment.first
        if len(segment.parts) != 1 or not isinstance(part, Parameter):
            return False
        if part.default is not None:
            values[part.name] = part.default
        elif not (part.optional or part.catch_all):
            return False
    return True
