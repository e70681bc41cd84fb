"""A framework-free view of an HTTP request, built by the function adapter from `func.HttpRequest`."""

from __future__ import annotations

import ipaddress
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ValidationError

from shared_code.core.errors import InvalidInput, UnsupportedMediaType

ModelT = TypeVar("ModelT", bound=BaseModel)


class Headers(dict[str, str]):
    """Case-insensitive header lookup (keys stored lower-case)."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__({k.lower(): v for k, v in (items or {}).items()})

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


@dataclass
class ApiRequest:
    method: str
    url: str
    headers: Headers
    query: Mapping[str, str] = field(default_factory=dict)
    route_params: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    correlation_id: str = ""
    principal: Any = None  # set by authentication before the handler runs

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def client_ip(self) -> str | None:
        """The caller's address, or None when the header holds none.

        The last hop is the one Azure's front end appended; earlier entries are the client's say-so.
        Only a real address is returned (its port dropped): the value keys rate limits and is written
        to the audit trail, so whatever else a client puts in the header goes nowhere.
        """
        last = self.headers.get("x-forwarded-for", "").rsplit(",", 1)[-1].strip()
        if last.startswith("[") and "]" in last:  # [IPv6]:port
            last = last[1 : last.index("]")]
        elif last.count(":") == 1:  # IPv4:port
            last = last.rsplit(":", 1)[0]
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return None

    def json(self) -> Any:
        """The body parsed as JSON; malformed JSON is a validation error, a non-JSON type a 415."""
        if self.content_type and self.content_type != "application/json" and not self.content_type.endswith("+json"):
            raise UnsupportedMediaType(f"expected application/json, got {self.content_type}")
        if not self.body:
            raise InvalidInput("request body is empty; a JSON object is expected")
        try:
            return json.loads(self.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput("request body is not valid JSON", details={"reason": str(exc)}) from None
        except RecursionError:  # nesting deeper than the parser's stack
            raise InvalidInput("request body is nested too deeply") from None

    def parse_body(self, model: type[ModelT]) -> ModelT:
        """The JSON body validated against a pydantic model (400 with field errors otherwise)."""
        return validate(model, self.json())

    def parse_optional_body(self, model: type[ModelT]) -> ModelT:
        """As `parse_body`, but no body at all means the model's defaults (routes with an optional body)."""
        return self.parse_body(model) if self.body else model()

    def parse_query(self, model: type[ModelT]) -> ModelT:
        return self.parse_query_values(model, self.query)

    def single_query(self) -> dict[str, str]:
        """The query parameters as a dict, refusing any given more than once."""
        _refuse_repeated(self.url, self.query)
        return dict(self.query)

    def parse_query_values(self, model: type[ModelT], values: Mapping[str, str]) -> ModelT:
        """Like parse_query, for query values the route has already taken some parameters from."""
        _refuse_repeated(self.url, values)
        return validate(model, dict(values))


def _refuse_repeated(url: str, names: Iterable[str]) -> None:
    # The host joins a repeated name's values with commas (`?state=NE&state=IA` arrives as "NE,IA"), which
    # would silently filter on a value nobody sent: every query parameter takes one value.
    counts = Counter(name.lower() for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True))
    repeated = sorted(name for name in names if counts[name.lower()] > 1)
    if repeated:
        raise InvalidInput(
            "a query parameter is given more than once",
            details=[{"field": name, "message": "give it once"} for name in repeated],
        )


def validate(model: type[ModelT], data: Any) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput("request is not valid", details=field_errors(exc)) from None


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as `{field, message}` pairs, without echoing the submitted values back."""
    return [{"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]} for err in exc.errors()]
