"""Route templates and route selection, checked against the Functions host's rules."""

from __future__ import annotations

import pytest

from devhost.routing import Route, Router, RouteTemplateError, parse_template


def router(*routes: str | tuple[str, list[str]], prefix: str = "api/v1") -> Router[str]:
    """A router whose targets are the route texts; a tuple adds the allowed methods."""
    built = []
    for item in routes:
        text, methods = item if isinstance(item, tuple) else (item, [])
        built.append(Route(parse_template(f"{prefix}/{text}"), frozenset(methods), text))
    return Router(built)


def resolve(r: Router[str], path: str, method: str = "GET") -> tuple[str, dict[str, str]] | None:
    found = r.resolve(method, path)
    return (found[0].target, found[1]) if found else None


# --- templates ----------------------------------------------------------------------------------------------------

def test_literal_segments_match_case_insensitively_and_ignore_a_trailing_slash() -> None:
    r = router("health")
    assert resolve(r, "/api/v1/health") == ("health", {})
    assert resolve(r, "/API/V1/Health/") == ("health", {})
    assert resolve(r, "/api/v1/health/extra") is None
    assert resolve(r, "/api/v2/health") is None


def test_parameters_are_url_decoded_route_values() -> None:
    assert resolve(router("users/{name}"), "/api/v1/users/Ada%20Lovelace") == ("users/{name}",
                                                                              {"name": "Ada Lovelace"})


def test_encoded_slash_stays_encoded_and_never_splits_a_segment() -> None:
    assert resolve(router("files/{name}"), "/api/v1/files/a%2Fb") == ("files/{name}", {"name": "a%2Fb"})


@pytest.mark.parametrize(("constraint", "good", "bad"), [
    ("int", ["0", "42", "-7", "2147483647"], ["abc", "4.2", "2147483648", ""]),
    ("long", ["9223372036854775807"], ["9223372036854775808", "x"]),
    ("bool", ["true", "False"], ["yes", "1"]),
    ("double", ["1.5", "-2", "1e3", ".5"], ["abc", "1.2.3"]),
    ("guid", ["1b4e28ba-2fa1-11d2-883f-0016d3cca427", "1b4e28ba2fa111d2883f0016d3cca427",
              "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}"], ["1b4e28ba-2fa1-11d2-883f", "not-a-guid"]),
    ("alpha", ["abc", "ABC"], ["abc1", "a-b"]),
    ("minlength(3)", ["abc", "abcd"], ["ab"]),
    ("maxlength(3)", ["ab", "abc"], ["abcd"]),
    ("length(2,3)", ["ab", "abc"], ["a", "abcd"]),
    ("range(1,10)", ["1", "10"], ["0", "11", "x"]),
    ("min(5)", ["5", "100"], ["4"]),
    ("regex(^[a-z]{{2}}\\d$)", ["ab1"], ["abc", "a1"]),
    ("datetime", ["2024-02-29", "2024-02-29T10:00:00"], ["2023-02-29", "tomorrow"]),
])
def test_inline_constraints(constraint: str, good: list[str], bad: list[str]) -> None:
    r = router(f"things/{{id:{constraint}}}")
    for value in good:
        assert resolve(r, f"/api/v1/things/{value}") is not None, value
    for value in bad:
        assert resolve(r, f"/api/v1/things/{value}") is None, value


def test_several_constraints_must_all_pass() -> None:
    r = router("codes/{code:alpha:length(3)}")
    assert resolve(r, "/api/v1/codes/abc") is not None
    assert resolve(r, "/api/v1/codes/ab1") is None
    assert resolve(r, "/api/v1/codes/abcd") is None


def test_optional_parameter_may_be_absent_and_is_then_not_a_route_value() -> None:
    r = router("greet/{name?}")
    assert resolve(r, "/api/v1/greet") == ("greet/{name?}", {})
    assert resolve(r, "/api/v1/greet/Ada") == ("greet/{name?}", {"name": "Ada"})
    assert resolve(r, "/api/v1/greet/Ada/more") is None


def test_optional_constrained_parameter_is_checked_only_when_present() -> None:
    r = router("page/{n:int?}")
    assert resolve(r, "/api/v1/page") == ("page/{n:int?}", {})
    assert resolve(r, "/api/v1/page/x") is None


def test_default_value_fills_a_missing_parameter() -> None:
    assert resolve(router("list/{page=1}"), "/api/v1/list") == ("list/{page=1}", {"page": "1"})


def test_catch_all_takes_the_rest_of_the_path() -> None:
    r = router("files/{*path}")
    assert resolve(r, "/api/v1/files/a/b/c.pdf") == ("files/{*path}", {"path": "a/b/c.pdf"})
    assert resolve(r, "/api/v1/files") == ("files/{*path}", {})


def test_complex_segment_splits_on_its_last_literal() -> None:
    assert resolve(router("docs/{name}.{ext}"), "/api/v1/docs/report.final.pdf") == (
        "docs/{name}.{ext}", {"name": "report.final", "ext": "pdf"})


@pytest.mark.parametrize("template", [
    "a/{id", "a/{id:nosuch}", "a/{*rest}/b", "a/{x}/{X}", "a/{x}{y}", "a/{x?}/b", "a//b", "a/{x?=1}", "a/{x:regex(()}",
])
def test_invalid_templates_are_refused(template: str) -> None:
    with pytest.raises(RouteTemplateError):
        parse_template(template)


# --- selection -----------------------------------------------------------------------------------------------------

def test_literal_route_wins_over_a_parameter_whatever_the_registration_order() -> None:
    r = router("items/{id}", "items/new")
    assert resolve(r, "/api/v1/items/new") == ("items/new", {})
    assert resolve(r, "/api/v1/items/7") == ("items/{id}", {"id": "7"})


def test_constrained_parameter_wins_over_an_unconstrained_one() -> None:
    r = router("items/{slug}", "items/{id:int}")
    assert resolve(r, "/api/v1/items/7") == ("items/{id:int}", {"id": "7"})
    assert resolve(r, "/api/v1/items/seven") == ("items/{slug}", {"slug": "seven"})


def test_longer_template_is_tried_before_a_shorter_one() -> None:
    r = router("files/{*path}", "files/{folder}/readme")
    assert resolve(r, "/api/v1/files/docs/readme") == ("files/{folder}/readme", {"folder": "docs"})
    assert resolve(r, "/api/v1/files/docs/other") == ("files/{*path}", {"path": "docs/other"})


def test_routes_are_ordered_like_the_host() -> None:
    r = router("{x}", "b/{id}", "a", "b/{id:int}", "b/c", "a/{id}")
    assert [route.target for route in r.routes] == ["a/{id}", "a", "b/c", "b/{id:int}", "b/{id}", "{x}"]


def test_method_restricted_route_lets_other_routes_answer_and_otherwise_nothing_matches() -> None:
    r = router(("items/{id}", ["GET"]), ("items/{id}", ["DELETE"]))
    assert r.resolve("DELETE", "/api/v1/items/1") is not None
    assert r.resolve("DELETE", "/api/v1/items/1")[0].methods == frozenset({"DELETE"})
    assert r.resolve("get", "/api/v1/items/1")[0].methods == frozenset({"GET"})
    assert r.resolve("POST", "/api/v1/items/1") is None  # the host answers 404, not 405


def test_route_without_methods_accepts_any_method() -> None:
    r = router("anything")
    assert all(r.resolve(m, "/api/v1/anything") for m in ("GET", "POST", "PATCH", "OPTIONS"))


def test_empty_route_prefix() -> None:
    r = router("items/{id:int}", prefix="")
    assert resolve(r, "/items/3") == ("items/{id:int}", {"id": "3"})
