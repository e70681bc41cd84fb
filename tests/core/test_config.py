import json
from pathlib import Path

import pytest

from shared_code.core.config import ConfigError, Environment, Settings, load_local_settings

REPO = Path(__file__).resolve().parents[2]
AZURITE = "UseDevelopmentStorage=true"


def settings(**env: str) -> Settings:
    return Settings.from_environ({"AzureWebJobsStorage": AZURITE, **env})


def test_defaults_are_the_embedded_development_setup():
    s = settings()
    assert s.environment is Environment.DEVELOPMENT
    assert s.database_url.get_secret_value() == "sqlite:///.pact/pact.db"
    assert s.redis_url is None
    assert s.storage.connection_string.get_secret_value() == AZURITE


def test_missing_storage_names_the_settings():
    with pytest.raises(ConfigError, match="AzureWebJobsStorage"):
        Settings.from_environ({})


def test_identity_based_storage_derives_account_urls():
    s = Settings.from_environ({"AzureWebJobsStorage__accountName": "pactprod", "AzureWebJobsStorage__clientId": "abc"})
    assert s.storage.uses_identity
    assert s.storage.blob_service_uri == "https://pactprod.blob.core.windows.net"
    assert s.storage.queue_service_uri == "https://pactprod.queue.core.windows.net"
    assert s.storage.client_id == "abc"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PACT_ENV", "staging"),
        ("PACT_DATABASE_URL", "mysql://root@localhost/pact"),
        ("PACT_LOG_LEVEL", "LOUD"),
        ("PACT_ADMIN_EMAIL", "not-an-email"),
        ("PACT_MAX_UPLOAD_BYTES", "-1"),
        ("PACT_DEFAULT_TENANT", "Has Spaces"),
        ("PACT_DATABASE_ECHO", "maybe"),
    ],
)
def test_malformed_setting_is_named(name, value):
    with pytest.raises(ConfigError, match=name):
        settings(**{name: value})


def test_malformed_storage_connection_is_named():
    with pytest.raises(ConfigError, match="AzureWebJobsStorage"):
        Settings.from_environ({"AzureWebJobsStorage": "just-a-word"})


def test_production_refuses_the_sqlite_default_and_placeholder_secrets():
    with pytest.raises(ConfigError, match="PACT_DATABASE_URL"):
        settings(PACT_ENV="production")
    with pytest.raises(ConfigError, match="PACT_ADMIN_PASSWORD"):
        settings(PACT_ENV="production", PACT_DATABASE_URL="postgresql+psycopg://db/pact", PACT_ADMIN_PASSWORD="changeme")


def test_secrets_never_appear_in_repr_or_str():
    s = settings(
        PACT_ADMIN_PASSWORD="hunter2-very-secret",
        PACT_DATABASE_URL="postgresql+psycopg://pact:dbpass-secret@db/pact",
        PACT_REDIS_URL="redis://:redispass-secret@cache:6379/0",
    )
    text = repr(s) + str(s) + repr(s.storage)
    for secret in ("hunter2-very-secret", "dbpass-secret", "redispass-secret", AZURITE):
        assert secret not in text


def test_local_settings_values_fill_in_under_the_real_environment(tmp_path):
    path = tmp_path / "local.settings.json"
    path.write_text(json.dumps({"Values": {"PACT_LOG_LEVEL": "DEBUG", "PACT_ENV": "test"}}))
    merged = load_local_settings(path, {"PACT_ENV": "development"})
    assert merged["PACT_LOG_LEVEL"] == "DEBUG"
    assert merged["PACT_ENV"] == "development"  # the real environment wins, as with Core Tools


def test_malformed_local_settings_is_reported_with_its_path(tmp_path):
    path = tmp_path / "local.settings.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="local.settings.json"):
        load_local_settings(path, {})


def test_example_settings_list_exactly_what_the_app_reads():
    values = json.loads((REPO / "local.settings.example.json").read_text())["Values"]
    read = {f.alias for f in Settings.model_fields.values() if f.alias}
    assert read <= set(values), f"missing from local.settings.example.json: {read - set(values)}"
    host_only = {"FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "AzureWebJobsFeatureFlags"}
    assert set(values) - read == host_only
    assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
    assert values["FUNCTIONS_WORKER_RUNTIME"] == "python"
    Settings.from_environ({k: v for k, v in values.items() if v})  # the example itself is valid
