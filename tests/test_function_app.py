"""Azure drops every function silently when function_app.py fails to import or index, so prove it
imports and indexes exactly the expected functions: in-process, and in a clean virtual environment
with nothing but requirements.txt and no settings at all."""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Every function the app must expose, with its trigger. A new function is added here on purpose.
EXPECTED = {
    "health": "httpTrigger",
    "openapi": "httpTrigger",
    "purge_temp": "timerTrigger",
    "auth_login": "httpTrigger",
    "auth_mfa_verify": "httpTrigger",
    "auth_mfa_setup": "httpTrigger",
    "auth_mfa_setup_confirm": "httpTrigger",
    "auth_mfa_enrol": "httpTrigger",
    "auth_mfa_enrol_confirm": "httpTrigger",
    "auth_refresh": "httpTrigger",
    "auth_logout": "httpTrigger",
    "auth_me": "httpTrigger",
    "auth_invitation_accept": "httpTrigger",
    "auth_register": "httpTrigger",
    "auth_verify_email": "httpTrigger",
    "auth_password_forgot": "httpTrigger",
    "auth_password_reset": "httpTrigger",
    "auth_password_change": "httpTrigger",
    "auth_profile_get": "httpTrigger",
    "auth_profile_update": "httpTrigger",
    "users_list": "httpTrigger",
    "users_create": "httpTrigger",
    "users_get": "httpTrigger",
    "users_update": "httpTrigger",
    "users_delete": "httpTrigger",
    "users_restore": "httpTrigger",
    "users_set_roles": "httpTrigger",
    "users_reset_mfa": "httpTrigger",
    "roles_list": "httpTrigger",
    "roles_create": "httpTrigger",
    "roles_get": "httpTrigger",
    "roles_update": "httpTrigger",
    "roles_delete": "httpTrigger",
    "permissions_list": "httpTrigger",
    "api_keys_list": "httpTrigger",
    "api_keys_create": "httpTrigger",
    "api_keys_get": "httpTrigger",
    "api_keys_revoke": "httpTrigger",
    "tenant_settings_get": "httpTrigger",
    "tenant_settings_update": "httpTrigger",
    "audit_list": "httpTrigger",
    "audit_export": "httpTrigger",
}

# Records (issue 4): each resource has the eight standard REST routes.
RECORD_RESOURCES = (
    "accounts", "contracts", "candidates", "distributors", "account_distributors",
    "contract_categories", "contract_requirements", "documents", "bundles",
)
STANDARD_ROUTES = ("list", "export", "bulk", "create", "get", "update", "delete", "restore")
EXPECTED |= {f"{resource}_{route}": "httpTrigger" for resource in RECORD_RESOURCES for route in STANDARD_ROUTES}
del EXPECTED["documents_create"]  # a document comes from an upload, never from JSON
# ... and the relationship routes of accounts and contracts.
EXPECTED |= dict.fromkeys((
    "accounts_contracts", "accounts_candidates", "accounts_documents", "accounts_distributors", "accounts_children",
    "contracts_candidates", "contracts_candidate_counts", "contracts_candidates_assign",
), "httpTrigger")

# ... and documents' uploads and downloads, and a bundle's ordered documents.
EXPECTED |= dict.fromkeys((
    "documents_upload", "documents_upload_start", "documents_upload_complete", "documents_download",
    "documents_content", "documents_thumbnail", "bundles_documents_list", "bundles_documents_set",
    "documents_status_change", "documents_history",
), "httpTrigger")

# Templates (issue 5): the standard routes but create (an upload) and get (the detail below), uploads and
# versions, fields, the binding catalogue, recognition, and the blob trigger that indexes `templates`.
EXPECTED |= {f"templates_{route}": "httpTrigger" for route in ("list", "export", "bulk", "update", "delete", "restore")}
EXPECTED |= dict.fromkeys((
    "templates_upload", "templates_get", "templates_versions_add", "templates_versions_list",
    "templates_version_content", "templates_fields_list", "templates_fields_create", "templates_fields_update",
    "templates_fields_delete", "templates_bindings", "recognize",
), "httpTrigger")
EXPECTED["templates_index"] = "blobTrigger"
# Fields detected on a template, values extracted from a filled document, previews of a filled template.
EXPECTED |= dict.fromkeys((
    "templates_detect_fields", "documents_extract_fields", "templates_preview", "templates_preview_image",
), "httpTrigger")
# Generation (issue 6): batches through the API, made by the `generate` queue trigger.
EXPECTED |= dict.fromkeys(("batches_create", "batches_list", "batches_get", "batches_cancel"), "httpTrigger")
EXPECTED |= dict.fromkeys(
    ("batches_print_files_create", "batches_print_files_list", "batches_release"), "httpTrigger"
)
EXPECTED["generate_chunk"] = "queueTrigger"

INDEX_SCRIPT = """
import json, function_app
functions = function_app.app.get_functions()
print(json.dumps({f.get_function_name(): f.get_trigger().get_binding_name() for f in functions}))
"""


def index_in(python: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PACT_", "AzureWebJobs", "COV_", "COVERAGE"))}
    environ["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [python, "-c", INDEX_SCRIPT], cwd=REPO, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_expected_function_is_indexed_without_any_settings():
    assert index_in(sys.executable) == EXPECTED


@pytest.mark.slow
def test_a_clean_environment_with_only_requirements_txt_indexes_every_function(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(REPO / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    assert index_in(python) == EXPECTED
