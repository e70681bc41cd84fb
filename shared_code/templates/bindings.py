"""The data a template field can be filled from: a catalogue of names (`account.name`, `today`, ...) and
fixed values (`fixed:<text>`). Generation resolves them; the API refuses any other binding."""

from __future__ import annotations

from dataclasses import dataclass

FIXED_PREFIX = "fixed:"
FIXED_MAX = 200


@dataclass(frozen=True)
class Binding:
    key: str
    label: str
    type: str  # the field type it suits best: text, number, date (any field may still take it)


CATALOGUE: tuple[Binding, ...] = (
    Binding("account.name", "Account name", "text"),
    Binding("account.number", "Account number", "text"),
    Binding("account.address", "Account address (lines, city, state and postal code)", "text"),
    Binding("account.address_line1", "Account address, first line", "text"),
    Binding("account.address_line2", "Account address, second line", "text"),
    Binding("account.city", "Account city", "text"),
    Binding("account.state", "Account state", "text"),
    Binding("account.postal_code", "Account postal code", "text"),
    Binding("account.country", "Account country", "text"),
    Binding("account.gln", "Account GLN", "number"),
    Binding("account.hin", "Account HIN", "text"),
    Binding("account.dea", "Account DEA number", "text"),
    Binding("account.contact_name", "Account contact", "text"),
    Binding("account.contact_email", "Account contact e-mail", "text"),
    Binding("account.phone", "Account phone", "text"),
    Binding("contract.number", "Contract number", "text"),
    Binding("contract.name", "Contract name", "text"),
    Binding("contract.supplier", "Contract supplier", "text"),
    Binding("contract.tier", "Contract tier", "text"),
    Binding("contract.starts_on", "Contract start date", "date"),
    Binding("contract.ends_on", "Contract end date", "date"),
    Binding("today", "The date the document is generated", "date"),
)
KEYS = frozenset(binding.key for binding in CATALOGUE)


def catalogue():
    """The catalogue as the API shows it."""
    from shared_code.templates.schemas import BindingCatalogue, BindingPublic

    return BindingCatalogue(
        bindings=[BindingPublic(key=b.key, label=b.label, type=b.type) for b in CATALOGUE],
        fixed=f"{FIXED_PREFIX}<text>",
    )


def check_binding(value: str) -> str:
    """`value` when it names catalogue data or a fixed value; ValueError (a validation error) otherwise."""
    if value.startswith(FIXED_PREFIX):
        fixed = value[len(FIXED_PREFIX) :]
        if not fixed.strip() or len(fixed) > FIXED_MAX:
            raise ValueError(f"a fixed value is written `{FIXED_PREFIX}<text>`, with 1 to {FIXED_MAX} characters")
        return value
    if value not in KEYS:
        raise ValueError(f"unknown binding {value!r}: see GET /templates/bindings, or use `{FIXED_PREFIX}<text>`")
    return value
