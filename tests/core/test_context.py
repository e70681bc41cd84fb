from shared_code.core.context import correlation_id_from, correlation_scope, current_correlation_id


def test_traceparent_trace_id_wins():
    headers = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x-correlation-id": "mine"}
    assert correlation_id_from(headers) == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_caller_id_is_used_when_safe_and_replaced_when_not():
    assert correlation_id_from({"X-Correlation-Id": "req-42"}) == "req-42"
    made = correlation_id_from({"x-correlation-id": "bad id\nwith newline"})
    assert made != "bad id\nwith newline" and len(made) == 32
    assert correlation_id_from({"traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"}) != "0" * 32


def test_scope_sets_and_restores():
    assert current_correlation_id() is None
    with correlation_scope("outer"):
        with correlation_scope(None) as inner:
            assert current_correlation_id() == inner != "outer"
        assert current_correlation_id() == "outer"
    assert current_correlation_id() is None
