"""Tenant isolation through the API: a caller of tenant A gets 404 (not 403, not data) for every kind
of object of tenant B, on every route that names one, and lists never show B's rows.

The routes come from the registry: a new route with a path parameter fails this suite until the
kind of object it names is added to `OBJECT_OF_ROUTE`, so isolation is proven for it too.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared_code.accounts.resources import ACCOUNT_DISTRIBUTORS as LINKS_R
from shared_code.accounts.resources import ACCOUNTS as ACCOUNTS_R
from shared_code.accounts.resources import ALL as ACCOUNT_RECORDS
from shared_code.accounts.resources import CANDIDATES as CANDIDATES_R
from shared_code.accounts.resources import CATEGORIES as CATEGORIES_R
from shared_code.accounts.resources import CONTRACTS as CONTRACTS_R
from shared_code.accounts.resources import DISTRIBUTORS as DISTRIBUTORS_R
from shared_code.accounts.resources import REQUIREMENTS as REQUIREMENTS_R
from shared_code.auth import api_key_admin, roles, tenant_settings, users
from shared_code.auth import schemas as s
from shared_code.auth.api_keys import create_api_key
from shared_code.auth.models import ApiKey, Role, User
from shared_code.auth.permissions import ALL_CODES
from shared_code.core.audit import AuditLog
from shared_code.documents.resources import ALL as DOCUMENT_RECORDS
from shared_code.generation.models import Batch
from shared_code.templates.models import TemplateField
from shared_code.templates.resources import TEMPLATES
from tests.documents.client import send
from tests.support import api, database
from tests.support.api import InProcessApi, caller, routes, seed_tenant
from tests.templates.forms import form_pdf

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

RECORDS = (*ACCOUNT_RECORDS, *DOCUMENT_RECORDS, TEMPLATES)

# The first segment of a route with a path parameter (or its first two, where given) → the kind of B's
# object it is called with.
OBJECT_OF_ROUTE = {
    "users": "user", "roles": "role", "api-keys": "api_key", "documents/uploads": "upload", "batches": "batches",
} | {
    resource.name: resource.name for resource in RECORDS
}
# Bodies valid enough to get past validation, so a 404 can only come from scoping.
BODIES = {
    "users_update": {"display_name": "Taken over", "status": "disabled"},
    "users_set_roles": {"roles": []},
    "roles_update": {"description": "taken over", "permissions": []},
    "accounts_update": {"name": "Taken over"},
    "contracts_update": {"name": "Taken over"},
    "candidates_update": {"notes": "taken over"},
    "distributors_update": {"name": "Taken over"},
    "account_distributors_update": {"territory": "taken over"},
    "contract_categories_update": {"name": "Taken over"},
    "contract_requirements_update": {"description": "taken over"},
    "contracts_candidates_assign": {"account_ids": ["00000000-0000-4000-8000-000000000000"]},
    "documents_update": {"title": "Taken over"},
    "documents_status_change": {"status": "processing", "reason": "taken over"},
    "documents_upload_complete": {"title": "Taken over"},
    "bundles_update": {"name": "Taken over"},
    "bundles_documents_set": {"document_ids": []},
    "templates_update": {"name": "Taken over"},
    "templates_fields_create": {"name": "taken", "page": 1, "x0": 1, "y0": 1, "x1": 2, "y1": 2},
    "templates_fields_update": {"required": True},
}
# Routes that take a file rather than JSON: a valid one, so that a 404 can only come from scoping.
FILE_BODIES = {"templates_versions_add": "application/pdf"}
# Route parameters besides `{id}` → the key of B's object (or the value) they are called with.
OTHER_PARAMS = {"field_id": "template_field", "version": "template_version"}


def _b_records(session) -> dict[str, str]:
    """One record of every records resource, made in B's unit of work."""
    from shared_code.accounts import schemas as r
    from shared_code.core.resources import create_record

    made = {}
    account = create_record(session, ACCOUNTS_R, r.AccountCreate(name="B Hospital", number="B-1"))
    category = create_record(session, CATEGORIES_R, r.CategoryCreate(code="B-CAT", name="B category"))
    contract = create_record(session, CONTRACTS_R, r.ContractCreate(name="B contract", number="B-C1",
                                                                    category_id=category.id))
    distributor = create_record(session, DISTRIBUTORS_R, r.DistributorCreate(code="B-D", name="B distributor"))
    made["accounts"], made["contract-categories"], made["contracts"] = str(account.id), str(category.id), str(contract.id)
    made["distributors"] = str(distributor.id)
    made["candidates"] = str(create_record(session, CANDIDATES_R, r.CandidateCreate(
        account_id=account.id, contract_id=contract.id)).id)
    made["account-distributors"] = str(create_record(session, LINKS_R, r.AccountDistributorCreate(
        account_id=account.id, distributor_id=distributor.id)).id)
    made["contract-requirements"] = str(create_record(session, REQUIREMENTS_R, r.RequirementCreate(
        contract_id=contract.id, document_type="participation_form")).id)
    return made


def _b_documents(app, session, tenant_id) -> dict[str, str]:
    """A document of B (uploaded), a bundle holding it, and an upload of B waiting to be completed."""
    import io

    from shared_code.core import names
    from shared_code.core.resources import create_record
    from shared_code.documents import schemas as d
    from shared_code.documents.bundles import set_bundle_documents
    from shared_code.documents.resources import BUNDLES
    from shared_code.documents.uploads import DirectUpload, start_upload, upload_blob_name, upload_document
    from tests.documents.pdfs import make_pdf

    document = upload_document(app, session, tenant_id=tenant_id, upload=DirectUpload(
        io.BytesIO(make_pdf(1)), "b.pdf", d.DocumentMetadata(title="B participation form")))
    bundle = create_record(session, BUNDLES, d.BundleCreate(name="B bundle"))
    set_bundle_documents(session, bundle.id, [document.id], if_match=None)
    upload = start_upload(app, tenant_id=tenant_id, plan=d.UploadStart())
    app.blobs.upload_bytes(names.TEMP, upload_blob_name(tenant_id, upload.upload_id), make_pdf(2))
    return {"documents": str(document.id), "bundles": str(bundle.id), "upload": str(upload.upload_id)}


def _b_templates(app, b) -> dict[str, str]:
    """A template of B, indexed, with a field of its own (each step in its own unit of work, as uploads do)."""
    import io
    from contextlib import contextmanager

    from shared_code.core import names
    from shared_code.core.http.forms import FileUpload
    from shared_code.templates import schemas as t
    from shared_code.templates.fields import create_field
    from shared_code.templates.indexing import index_template_blob
    from shared_code.templates.uploads import upload_template
    from tests.templates.forms import form_pdf

    @contextmanager
    def transaction():
        with app.unit_of_work(tenant_id=b.id, actor_id=b.admin.id) as uow:
            yield app, uow.session
            uow.commit()

    data = form_pdf("B participation form")
    template = upload_template(app, transaction, upload=FileUpload(
        io.BytesIO(data), "b.pdf", "application/pdf", t.TemplateMetadata(name="B participation form")))
    blob = f"{b.id}/{template.id}/v1.pdf"
    assert index_template_blob(app, blob, app.blobs.read_bytes(names.TEMPLATES, blob)).action == "indexed"
    with transaction() as (_, session):
        field = create_field(session, template.id, None, t.FieldCreate(name="B field", page=1, x0=1, y0=1, x1=9, y1=9))
    return {"templates": str(template.id), "template_field": str(field.id), "template_version": "1"}


def _b_batch(app, b, records) -> str:
    """A batch of B for its account (queued: its chunk is never worked here)."""
    from contextlib import contextmanager

    from shared_code.generation.batches import create_batch
    from shared_code.generation.schemas import BatchCreate

    @contextmanager
    def transaction():
        with app.unit_of_work(tenant_id=b.id, actor_id=b.admin.id) as uow:
            yield app, uow.session
            uow.commit()

    request = BatchCreate(template_id=records["templates"], contract_id=records["contracts"],
                          account_ids=[records["accounts"]])
    return str(create_batch(app, transaction, request=request).id)


@pytest.fixture
def world(admin_app):
    """Tenants A and B; B has a custom role, an API key, a removed user and audit entries of its own.

    B's objects are made by the use cases in B's unit of work, not through the API, so the tests
    below stand on their own if the API's scoping breaks.
    """
    a, b = seed_tenant(admin_app, "tenant-a"), seed_tenant(admin_app, "tenant-b")
    with admin_app.unit_of_work(tenant_id=b.id, actor_id=b.admin.id) as uow:
        role = roles.create_role(uow.session, None, s.RoleCreate(name="B auditors", permissions=["audit:read"]))
        key = api_key_admin.issue_api_key(uow.session, None, s.ApiKeyCreate(name="B's key", permissions=["users:read"]))
        users.delete_user(admin_app, uow.session, None, b.users["User"].id)
        tenant_settings.update_settings(uow.session, b.id, s.TenantSettingsUpdate(allow_self_registration=True))
        records = _b_records(uow.session) | _b_documents(admin_app, uow.session, b.id)
        uow.commit()
    records |= _b_templates(admin_app, b)
    records["batches"] = _b_batch(admin_app, b, records)
    objects = {"user": str(b.users["Viewer"].id), "role": str(role.id), "api_key": str(key.id),
               "removed_user": str(b.users["User"].id), **records}
    return admin_app, a, b, objects


def _a_callers(app, a):
    """A's administrator, signed in, and an API key of A holding every permission."""
    with app.unit_of_work(tenant_id=a.id) as uow:
        key = create_api_key(uow.session, name="A all", permissions=sorted(ALL_CODES), expires_at=None,
                             grantable=ALL_CODES)
        uow.commit()
    return {"a-admin": caller(app, a.admin), "a-key": InProcessApi(headers={"x-api-key": key.secret})}


def _snapshot(app, tenant_id) -> dict:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        session = uow.session
        return {
            "users": sorted((u.email, u.display_name, u.status, u.deleted_at is None, tuple(r.name for r in u.roles))
                            for u in session.scalars(sa.select(User))),
            "roles": sorted((r.name, r.description, tuple(p.code for p in r.permissions))
                            for r in session.scalars(sa.select(Role).where(Role.tenant_id == tenant_id))),
            "keys": sorted((k.name, k.revoked_at is None) for k in session.scalars(sa.select(ApiKey))),
            "audit": session.scalar(sa.select(sa.func.count(AuditLog.id))),
            "records": sorted((resource.name, row.id, row.version, row.deleted_at is None)
                              for resource in RECORDS for row in session.scalars(sa.select(resource.model))),
            "template_fields": sorted((f.id, f.version) for f in session.scalars(sa.select(TemplateField))),
            "batches": sorted((x.id, x.status, x.version) for x in session.scalars(sa.select(Batch))),
            "blobs": sorted(blob.name for container, prefix in _blob_prefixes(tenant_id)
                            for blob in app.blobs.list(container, prefix=prefix)),
        }


def _blob_prefixes(tenant_id):
    from shared_code.core import names

    return ((names.DOCUMENTS, f"{tenant_id}/"), (names.THUMBNAILS, f"{tenant_id}/"),
            (names.TEMP, f"uploads/{tenant_id}/"), (names.TEMPLATES, f"{tenant_id}/"),
            (names.EXPORTS, f"{tenant_id}/"))


def _id_routes():
    return [spec for spec in routes() if spec.path_params]


def _kind(spec) -> str | None:
    segments = spec.route.split("/")
    return OBJECT_OF_ROUTE.get("/".join(segments[:2])) or OBJECT_OF_ROUTE.get(segments[0])


def test_every_route_naming_an_object_is_covered() -> None:
    uncovered = [spec.name for spec in _id_routes() if _kind(spec) is None]
    assert uncovered == [], "add the kind of object these routes name to OBJECT_OF_ROUTE"
    assert len(_id_routes()) >= 11


def test_another_tenants_objects_are_not_found_on_every_route(world) -> None:
    app, a, b, objects = world
    before = _snapshot(app, b.id)
    answers = {}
    for who, client in _a_callers(app, a).items():
        for spec in _id_routes():
            kind = _kind(spec)
            targets = [objects[kind]] + ([objects["removed_user"]] if kind == "user" else [])
            for target in targets:
                path = spec.route.replace("{id}", target)
                for name, key in OTHER_PARAMS.items():
                    path = path.replace("{" + name + "}", objects[key])
                for method in spec.methods:
                    if spec.name in FILE_BODIES:
                        reply = send(client, method, path, form_pdf("Taken over"), FILE_BODIES[spec.name])
                    else:
                        reply = client.call(method, path, BODIES.get(spec.name))
                    answers[(who, spec.name, target)] = (reply.status, reply.error_code)
    assert set(answers.values()) == {(404, "not_found")}, {k: v for k, v in answers.items() if v != (404, "not_found")}
    assert _snapshot(app, b.id) == before  # and nothing of B's changed


def test_another_tenants_roles_cannot_be_given_or_used_as_a_filter(world) -> None:
    app, a, _, objects = world
    a_admin = caller(app, a.admin)
    viewer = str(a.users["Viewer"].id)
    refused = [
        a_admin.put(f"/users/{viewer}/roles", {"roles": [objects["role"]]}),
        a_admin.post("/users", {"email": "s@tenant-a.example.com", "display_name": "S", "roles": [objects["role"]]}),
    ]
    assert [(r.status, r.error_code) for r in refused] == [(404, "not_found")] * 2
    assert a_admin.get(f"/users/{viewer}").data["roles"] == [{"id": str(_system_role_id("Viewer")), "name": "Viewer"}]
    assert a_admin.get("/users", role=objects["role"]).meta["total"] == 0
    assert a_admin.get("/users", q="admin@tenant-a").meta["total"] == 1  # the filter itself works


def test_lists_show_only_the_callers_tenant(world) -> None:
    app, a, b, objects = world
    b_ids = {str(user.id) for user in b.users.values()} | {objects["role"], objects["api_key"]}
    for who, client in _a_callers(app, a).items():
        users = client.get("/users", page_size=200)
        removed = client.get("/users", deleted=True, page_size=200)
        roles = client.get("/roles", page_size=200)
        keys = client.get("/api-keys", page_size=200)
        audit = client.get("/audit", page_size=200)
        listed = {row["id"] for reply in (users, removed, roles, keys) for row in reply.data}
        mentioned = {entry["entity_id"] for entry in audit.data} | {entry["id"] for entry in audit.data}
        assert listed and not listed & b_ids, who
        assert {u["email"] for u in users.data} == {u.email for u in a.users.values()}
        assert {r["name"] for r in roles.data} == {"Admin", "Manager", "User", "Viewer"}
        assert not mentioned & (b_ids | {str(b.id)}), who
        assert client.get("/users", q="tenant-b").meta["total"] == 0
        assert client.get("/audit", entity_id=objects["user"]).meta["total"] == 0
        assert client.get("/tenant/settings").data["allow_self_registration"] is False  # B's is True
        export = client.call("GET", "/audit/export")
        assert export.status == 200 and "tenant-b" not in export.text and objects["user"] not in export.text


def test_b_sees_its_own_objects(world) -> None:
    # The other side of the coin: the 404s above are scoping, not broken routes.
    app, _, b, objects = world
    b_admin = caller(app, b.admin)
    assert b_admin.get(f"/users/{objects['user']}").status == 200
    assert b_admin.get(f"/roles/{objects['role']}").data["name"] == "B auditors"
    assert b_admin.get(f"/api-keys/{objects['api_key']}").status == 200
    assert b_admin.get("/audit", entity_id=objects["role"]).meta["total"] == 1
    assert b_admin.get("/tenant/settings").data["allow_self_registration"] is True


def _system_role_id(name: str):
    from shared_code.auth.permissions import system_role_id

    return system_role_id(name)


def test_record_lists_and_exports_show_only_the_callers_tenant(world) -> None:
    app, a, _, objects = world
    b_records = {objects[resource.name] for resource in RECORDS}
    for who, client in _a_callers(app, a).items():
        for resource in RECORDS:
            for deleted in (False, True):
                reply = client.get(f"/{resource.name}", deleted=deleted, page_size=200)
                assert reply.status == 200, (who, resource.name, reply.body)
                assert not {row["id"] for row in reply.data} & b_records, (who, resource.name)
            assert client.get(f"/{resource.name}", q="B").meta["total"] == 0, (who, resource.name)
    b_admin = caller(app, world[2].admin)
    for resource in RECORDS:  # the same queries do find B's records for B: the filter is scoping, not luck
        assert objects[resource.name] in {row["id"] for row in b_admin.get(f"/{resource.name}").data}, resource.name
