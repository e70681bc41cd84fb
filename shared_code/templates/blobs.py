"""Where a template's bytes live, and what a blob's name in `templates` says about it.

| what                    | container    | name                                                  |
|-------------------------|--------------|-------------------------------------------------------|
| a version's file        | `templates`  | `<tenant>/<template>/v<n>.pdf` (made by PACT)          |
| a file dropped by hand  | `templates`  | `<tenant>/<anything>.pdf`: becomes a version, copied  |
|                         |              | to the name above                                     |
| a page's thumbnail      | `thumbnails` | `<tenant>/templates/<template>/v<n>/p<page>.png`       |
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

_VERSION_NAME = re.compile(r"^(?P<template>[0-9a-f-]{36})/v(?P<number>[1-9][0-9]{0,5})\.pdf$")


def version_blob_name(tenant_id: uuid.UUID, template_id: uuid.UUID, number: int) -> str:
    return f"{tenant_id}/{template_id}/v{number}.pdf"


def thumbnail_blob_name(tenant_id: uuid.UUID, template_id: uuid.UUID, number: int, page: int) -> str:
    return f"{tenant_id}/templates/{template_id}/v{number}/p{page}.png"


@dataclass(frozen=True)
class TemplateBlob:
    """A blob of the `templates` container, read from its name."""

    name: str
    tenant_id: uuid.UUID | None  # None: the name does not start with a tenant id
    template_id: uuid.UUID | None = None  # set for a version's file, as PACT names it
    number: int | None = None

    @property
    def is_version_file(self) -> bool:
        return self.template_id is not None

    @property
    def stem(self) -> str:
        """The file name without folders or extension: a dropped file's template name."""
        base = self.name.rsplit("/", 1)[-1]
        return base[:-4] if base.lower().endswith(".pdf") else base


def parse_blob_name(name: str) -> TemplateBlob:
    head, _, rest = name.partition("/")
    try:
        tenant_id = uuid.UUID(head) if rest and len(head) == 36 else None
    except ValueError:
        tenant_id = None
    if tenant_id is None:
        return TemplateBlob(name, None)
    match = _VERSION_NAME.match(rest)
    if match:
        try:
            return TemplateBlob(name, tenant_id, uuid.UUID(match["template"]), int(match["number"]))
        except ValueError:
            pass  # 36 characters of hex and hyphens that are not a UUID: a dropped file like any other
    return TemplateBlob(name, tenant_id)
