"""PACT's settings: one typed object, read from an environment mapping and validated at start.

Azure fills the environment from app settings (and Key Vault references in them); `func start`
and devhost fill it from `local.settings.json`. A missing or malformed setting raises
`ConfigError` naming the setting. Secret values are `SecretStr`: they print as `**********`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

# Values that mean "somebody forgot to set this": refused for secrets outside development.
_PLACEHOLDERS = frozenset({"", "changeme", "change-me", "changethis", "secret", "password", "todo", "xxx"})

DEFAULT_SQLITE_URL = "sqlite:///.pact/pact.db"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # plain connect, then STARTTLS (submission, port 587)
    SSL = "ssl"  # implicit TLS from the first byte (port 465)
    NONE = "none"  # no encryption: a local catcher in development only


class StorageSettings(BaseModel):
    """Where blobs and queues live: a connection string, or account URLs reached with managed identity.

    Mirrors the Functions host's own conventions for `AzureWebJobsStorage`, so one setting serves
    both the host's triggers and the app's clients.
    """

    model_config = ConfigDict(frozen=True)

    connection_string: SecretStr | None = None
    blob_service_uri: str | None = None
    queue_service_uri: str | None = None
    client_id: str | None = None  # user-assigned managed identity, when not the system one

    @property
    def uses_identity(self) -> bool:
        return self.connection_string is None


class Settings(BaseModel):
    """Every setting the app reads. Field aliases are the environment variable names."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    environment: Environment = Field(Environment.DEVELOPMENT, alias="PACT_ENV")
    storage: StorageSettings
    database_url: SecretStr = Field(SecretStr(DEFAULT_SQLITE_URL), alias="PACT_DATABASE_URL")
    database_echo: bool = Field(False, alias="PACT_DATABASE_ECHO")
    # Connections kept open per worker process (PostgreSQL/MSSQL); as many again may open under a burst.
    database_pool_size: int = Field(10, alias="PACT_DATABASE_POOL_SIZE", ge=1, le=200)
    # How long a list's total is remembered while nothing writes to its tables (0: count every time).
    list_count_cache_seconds: int = Field(300, alias="PACT_LIST_COUNT_CACHE_SECONDS", ge=0, le=86400)
    redis_url: SecretStr | None = Field(None, alias="PACT_REDIS_URL")
    admin_email: str = Field("admin@pact.local", alias="PACT_ADMIN_EMAIL")
    admin_password: SecretStr | None = Field(None, alias="PACT_ADMIN_PASSWORD")
    default_tenant: str = Field("default", alias="PACT_DEFAULT_TENANT", pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    log_level: str = Field("INFO", alias="PACT_LOG_LEVEL")
    log_format: str = Field("json", alias="PACT_LOG_FORMAT", pattern=r"^(json|text)$")
    appinsights_connection_string: SecretStr | None = Field(None, alias="APPLICATIONINSIGHTS_CONNECTION_STRING")
    key_vault_url: str | None = Field(None, alias="PACT_KEY_VAULT_URL")
    max_upload_bytes: int = Field(200 * 1024 * 1024, alias="PACT_MAX_UPLOAD_BYTES", gt=0)
    smtp_host: str | None = Field(None, alias="PACT_SMTP_HOST")  # unset: mail is logged as not sent
    smtp_port: int = Field(587, alias="PACT_SMTP_PORT", gt=0, lt=65536)
    smtp_security: SmtpSecurity = Field(SmtpSecurity.STARTTLS, alias="PACT_SMTP_SECURITY")
    smtp_username: str | None = Field(None, alias="PACT_SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(None, alias="PACT_SMTP_PASSWORD")
    smtp_timeout: float = Field(10.0, alias="PACT_SMTP_TIMEOUT", gt=0)
    mail_from: str = Field("PACT <no-reply@pact.local>", alias="PACT_MAIL_FROM")
    public_url: str = Field(
        "http://127.0.0.1:7071", alias="PACT_PUBLIC_URL", pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
    )
    hosted_in_azure: bool = False  # App Service sets WEBSITE_INSTANCE_ID on every instance
    # Identity and access. PACT_JWT_KEYS: "kid:secret[,kid:secret...]"; the first signs, all verify.
    jwt_keys: SecretStr | None = Field(None, alias="PACT_JWT_KEYS")
    access_token_ttl: int = Field(900, alias="PACT_ACCESS_TOKEN_TTL_SECONDS", ge=60, le=3600)
    refresh_token_ttl: int = Field(14 * 86400, alias="PACT_REFRESH_TOKEN_TTL_SECONDS", ge=3600)
    encryption_key: SecretStr | None = Field(None, alias="PACT_ENCRYPTION_KEY")  # Fernet key for secrets at rest
    # Codes on generated pages. PACT_CODE_KEYS: "kid:secret[,kid:secret...]"; the first signs, all verify.
    code_keys: SecretStr | None = Field(None, alias="PACT_CODE_KEYS")
    lockout_threshold: int = Field(5, alias="PACT_LOCKOUT_THRESHOLD", ge=1)
    lockout_window: int = Field(900, alias="PACT_LOCKOUT_WINDOW_SECONDS", ge=60)
    rate_limit_per_ip: int = Field(600, alias="PACT_RATE_LIMIT_PER_IP", ge=1)  # requests a minute
    rate_limit_per_user: int = Field(1200, alias="PACT_RATE_LIMIT_PER_USER", ge=1)
    rate_limit_per_api_key: int = Field(3000, alias="PACT_RATE_LIMIT_PER_API_KEY", ge=1)
    login_rate_limit_per_ip: int = Field(30, alias="PACT_LOGIN_RATE_LIMIT_PER_IP", ge=1)

    @field_validator("jwt_keys")
    @classmethod
    def _key_ring(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        for entry in value.get_secret_value().split(","):
            kid, _, secret = entry.strip().partition(":")
            if not kid or len(secret) < 32:
                raise ValueError("must be 'kid:secret' pairs separated by commas, each secret at least 32 characters")
        return value

    @field_validator("code_keys")
    @classmethod
    def _code_key_ring(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        kids = []
        for entry in value.get_secret_value().split(","):
            kid, _, secret = entry.strip().partition(":")
            # The kid is printed in every code: one Crockford base32 character (shared_code/generation/payload).
            if not re.fullmatch(r"[0-9A-HJKMNP-TV-Z]", kid.upper()) or len(secret) < 32:
                raise ValueError(
                    "must be 'kid:secret' pairs separated by commas, each kid one letter or digit "
                    "(not I, L, O or U) and each secret at least 32 characters"
                )
            kids.append(kid.upper())
        if len(set(kids)) != len(kids):
            raise ValueError("each kid must be different")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        import base64
        import binascii

        if value is None:
            return None
        try:
            raw = base64.urlsafe_b64decode(value.get_secret_value().encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError("must be a Fernet key: 32 bytes, url-safe base64 (pact keygen makes one)")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @field_validator("admin_email")
    @classmethod
    def _looks_like_email(cls, value: str) -> str:
        local, _, domain = value.partition("@")
        if not local or not domain or " " in value:
            raise ValueError("must be an email address")
        return value.lower()

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: SecretStr) -> SecretStr:
        scheme = value.get_secret_value().split("://", 1)[0]
        if scheme.split("+", 1)[0] not in {"sqlite", "postgresql", "mssql"}:
            raise ValueError("must be a sqlite://, postgresql:// or mssql+pyodbc:// URL")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from_is_an_address(cls, value: str) -> str:
        _, address = parseaddr(value)
        local, _, domain = address.partition("@")
        if not local or not domain or "\n" in value or "\r" in value:
            raise ValueError("must be an address, e.g. 'PACT <no-reply@example.org>'")
        return value

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def mail_enabled(self) -> bool:
        return self.smtp_host is not None

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Build and validate settings from an environment mapping; raise ConfigError naming the culprit."""
        values: dict[str, Any] = {k: v for k, v in environ.items() if k.startswith("PACT_") and v != ""}
        if environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
            values["APPLICATIONINSIGHTS_CONNECTION_STRING"] = environ["APPLICATIONINSIGHTS_CONNECTION_STRING"]
        values["storage"] = _storage_from_environ(environ)
        values["hosted_in_azure"] = bool(environ.get("WEBSITE_INSTANCE_ID"))
        try:
            settings = cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(_describe(exc)) from None
        settings._check_smtp()
        settings._refuse_placeholders()
        return settings

    def _refuse_placeholders(self) -> None:
        if not self.is_production:
            return
        if self.database_url.get_secret_value() == DEFAULT_SQLITE_URL:
            raise ConfigError("PACT_DATABASE_URL must be set in production (the SQLite default is for development)")
        if self.admin_password is not None and self.admin_password.get_secret_value().lower() in _PLACEHOLDERS:
            raise ConfigError("PACT_ADMIN_PASSWORD holds a placeholder value; set a real secret")
        if self.jwt_keys is None:
            raise ConfigError("PACT_JWT_KEYS must be set in production (the keys that sign access tokens)")
        if self.encryption_key is None:
            raise ConfigError("PACT_ENCRYPTION_KEY must be set in production (it encrypts MFA secrets at rest)")
        if self.code_keys is None:
            raise ConfigError("PACT_CODE_KEYS must be set in production (the keys that sign page codes)")

    def _check_smtp(self) -> None:
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ConfigError("PACT_SMTP_USERNAME and PACT_SMTP_PASSWORD must be set together (or neither)")
        if self.is_production and self.smtp_security is SmtpSecurity.NONE:
            raise ConfigError("PACT_SMTP_SECURITY=none sends mail and credentials in clear; use starttls or ssl")
        if (
            self.is_production
            and self.smtp_password is not None
            and (self.smtp_password.get_secret_value().lower() in _PLACEHOLDERS)
        ):
            raise ConfigError("PACT_SMTP_PASSWORD holds a placeholder value; set a real secret")


def _storage_from_environ(environ: Mapping[str, str]) -> StorageSettings:
    connection = environ.get("AzureWebJobsStorage", "").strip()
    if connection:
        if "=" not in connection:
            raise ConfigError(
                "AzureWebJobsStorage must be a storage connection string (or use AzureWebJobsStorage__accountName)"
            )
        return StorageSettings(connection_string=SecretStr(connection))
    account = environ.get("AzureWebJobsStorage__accountName", "").strip()
    blob_uri = environ.get("AzureWebJobsStorage__blobServiceUri", "").strip()
    queue_uri = environ.get("AzureWebJobsStorage__queueServiceUri", "").strip()
    if account:
        blob_uri = blob_uri or f"https://{account}.blob.core.windows.net"
        queue_uri = queue_uri or f"https://{account}.queue.core.windows.net"
    if not (blob_uri and queue_uri):
        raise ConfigError(
            "storage is not configured: set AzureWebJobsStorage (a connection string, "
            "UseDevelopmentStorage=true for Azurite) or AzureWebJobsStorage__accountName "
            "(or __blobServiceUri and __queueServiceUri) for managed identity"
        )
    return StorageSettings(
        blob_service_uri=blob_uri,
        queue_service_uri=queue_uri,
        client_id=environ.get("AzureWebJobsStorage__clientId") or None,
    )


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        problems.append(f"{name}: {error['msg']}")
    return "invalid settings: " + "; ".join(problems)


def load_local_settings(path: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment as `func start` builds it: `Values` of local.settings.json under the real environment.

    Variables already set win over the file, as they do for Core Tools.
    """
    environ = dict(os.environ if environ is None else environ)
    if not path.exists():
        return environ
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    values = document.get("Values", {})
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: 'Values' must be an object")
    merged = {str(k): str(v) for k, v in values.items()}
    merged.update(environ)
    return merged
