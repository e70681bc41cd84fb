"""Previewing a template filled in: each field gets the value its binding names, from a built-in sample
account and contract or from a chosen account and contract of the tenant, or a value given for it; the
filled PDF and PNG images of its pages come back.

`bound_values` is what generation uses too: one place decides what `account.address` or `today` reads
as on paper.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from shared_code.core.errors import InvalidInput
from shared_code.pdf.document import open_pdf
from shared_code.pdf.fill import FieldLike, fill_pdf
from shared_code.pdf.render import render_page
from shared_code.templates.bindings import FIXED_PREFIX

PREVIEW_DPI = 100  # what the field editor shows: a letter page 850 pixels wide
DATE_FORMAT = "%m/%d/%Y"  # how dates are written on forms

SAMPLE_ACCOUNT = MappingProxyType(
    {
        "name": "Riverside Medical Center",
        "number": "A-100245",
        "address_line1": "1200 Harbor Way",
        "address_line2": "Suite 300",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "country": "US",
        "gln": "0614141000012",
        "hin": "1A2B3C4D5",
        "dea": "AB1234563",
        "contact_name": "Maria Okafor",
        "contact_email": "maria.okafor@riverside.example",
        "phone": "(217) 555-0142",
    }
)
SAMPLE_CONTRACT = MappingProxyType(
    {
        "number": "GPO-2025-0042",
        "name": "Medical Surgical Supplies",
        "supplier": "Northwind Medical",
        "tier": "Tier 2",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
    }
)


@dataclass(frozen=True)
class FillData:
    """What bindings read: an account and a contract (rows or mappings of their attributes), values given
    per field name (they win over bindings), and the date `today` stands for."""

    account: object = field(default_factory=lambda: SAMPLE_ACCOUNT)
    contract: object = field(default_factory=lambda: SAMPLE_CONTRACT)
    overrides: Mapping[str, object] = field(default_factory=dict)
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Preview:
    pdf: bytes  # the template filled in (AcroForm fields stay fields)
    pngs: dict[int, bytes]  # 1-based page -> PNG


def bound_values(fields: Sequence[FieldLike], data: FillData) -> dict[str, object]:
    """The value of each field: a value given for it, else what its binding reads (None when the data has
    nothing, or the field has no binding)."""
    values = {}
    for item in fields:
        given = item.name in data.overrides
        values[item.name] = data.overrides[item.name] if given else resolve(getattr(item, "binding", None), data)
    return values


def resolve(binding: str | None, data: FillData) -> str | None:
    """What `binding` (a catalogue key or `fixed:<text>`) reads as on paper."""
    if not binding:
        return None
    if binding.startswith(FIXED_PREFIX):
        return binding[len(FIXED_PREFIX) :]
    if binding == "today":
        return data.today.strftime(DATE_FORMAT)
    source, _, attribute = binding.partition(".")
    record = data.account if source == "account" else data.contract
    if binding == "account.address":
        place = (_read(record, "city"), _read(record, "state"), _read(record, "postal_code"))
        lines = [_read(record, "address_line1"), _read(record, "address_line2"), " ".join(p for p in place if p)]
        return "\n".join(line for line in lines if line) or None
    return _read(record, attribute)


def _read(record: object, attribute: str) -> str | None:
    value = record.get(attribute) if isinstance(record, Mapping) else getattr(record, attribute, None)
    if value is None or value == "":
        return None
    return value.strftime(DATE_FORMAT) if isinstance(value, date) else str(value)


def render_preview(
    template_pdf: bytes,
    fields: Sequence[FieldLike],
    data: FillData,
    *,
    pages: Sequence[int] | None = None,
    dpi: float = PREVIEW_DPI,
) -> Preview:
    """The template filled from `data`, and PNGs of `pages` (1-based; every page when None) at `dpi`.

    Raises FillError (422) naming a field whose value does not fit or cannot be written.
    """
    values = bound_values(fields, data)
    filled = fill_pdf(template_pdf, values, fields)
    pngs: dict[int, bytes] = {}
    if pages is not None and not pages:
        return Preview(filled, pngs)
    # PDFium draws a page's content, not its form's appearances: the images come from a flattened copy.
    with open_pdf(fill_pdf(template_pdf, values, fields, flatten=True)) as pdf:
        for number in pages if pages is not None else range(1, len(pdf) + 1):
            out = io.BytesIO()
            render_page(pdf, number - 1, dpi=dpi, grayscale=False).save(out, format="PNG", optimize=True)
            pngs[number] = out.getvalue()
    return Preview(filled, pngs)


# -- for a template version of the tenant ---------------------------------------------------------


def template_preview(
    app, session, template_id: uuid.UUID, request, *, page: int | None = None, dpi: float = PREVIEW_DPI
) -> Preview:
    """The preview of a template version (the latest unless `request.version`) with the tenant's account
    and contract `request` names (the samples otherwise) and its `overrides`; with `page`, only that
    page's image. 404 for an account, contract or template the tenant does not have; 400 for an override
    naming no field or a page the version does not have."""
    from shared_code.accounts.resources import ACCOUNTS, CONTRACTS
    from shared_code.core.resources import get_record
    from shared_code.templates.service import version_content, version_fields

    version, data = version_content(app, session, template_id, request.version)
    fields = version_fields(session, version.id)
    unknown = sorted(set(request.overrides) - {item.name for item in fields})
    if unknown:
        raise InvalidInput(
            f"no field is named {unknown[0]!r}",
            details=[{"field": "overrides", "message": f"unknown field(s): {', '.join(unknown)}"}],
        )
    if page is not None and not 1 <= page <= (version.page_count or 1):
        raise InvalidInput(
            f"the version has {version.page_count} page(s)", details=[{"field": "page", "message": "no such page"}]
        )
    account = get_record(session, ACCOUNTS, request.account_id) if request.account_id else SAMPLE_ACCOUNT
    contract = get_record(session, CONTRACTS, request.contract_id) if request.contract_id else SAMPLE_CONTRACT
    fill_data = FillData(account, contract, request.overrides)
    return render_preview(data, fields, fill_data, pages=[page] if page is not None else [], dpi=dpi)
