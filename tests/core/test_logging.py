import io
import json
import logging

from shared_code.core.context import correlation_scope
from shared_code.core.logging import CorrelationFilter, JsonFormatter, TextFormatter, mask_secrets


def emit(formatter, message, *args, **extra):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(CorrelationFilter())
    logger = logging.getLogger("pact.test.logging")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning(message, *args, extra=extra)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_json_lines_carry_the_correlation_id_and_extra_fields():
    with correlation_scope("corr-9"):
        line = emit(JsonFormatter(), "matched %s", "doc-1", document_id="doc-1")
    entry = json.loads(line)
    assert entry["message"] == "matched doc-1"
    assert entry["correlation_id"] == "corr-9"
    assert entry["document_id"] == "doc-1"
    assert entry["level"] == "WARNING" and entry["time"].endswith("Z")


def test_secrets_are_masked_in_messages():
    samples = {
        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0a2V5;": "c2VjcmV0a2V5",
        "https://a.blob.core.windows.net/c/b?sv=2024&sig=abcDEF123%3D": "abcDEF123",
        "Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig": "eyJhbGciOi",
        "postgresql://pact:dbpass@db:5432/pact": "dbpass",
        '{"password": "hunter2"}': "hunter2",
    }
    for text, secret in samples.items():
        assert secret not in mask_secrets(text), text
        assert secret not in emit(JsonFormatter(), text)
        assert secret not in emit(TextFormatter(), text)
