"""What a form's label says about its field: a readable name, the kind of value, and the data that could
fill it ("Account No." -> account.number, "Date" -> today, "Signature" -> a signature field).

Rules are tried in order, most specific first; a label no rule knows gets no binding (a person picks one).
"""

from __future__ import annotations

import re

_TYPES = (
    ("signature", re.compile(r"\bsignature\b|\bsign here\b")),
    ("date", re.compile(r"\bdate\b|\beffective\b|\bexpir|^start$|\bstart date\b|\bend date\b|\bbirth\b")),
    (
        "number",
        re.compile(
            r"^number of\b|\bquantity\b|\bqty\b|\bamount\b|\btotal\b|\bcount\b|\bbeds\b|\bchairs\b"
            r"|\bprice\b|\bspend\b|\bvolume\b"
        ),
    ),
)
_NUMBER = r"(number|no\.?|#|id)"
_BINDINGS = (
    (rf"\bcontract {_NUMBER}$", "contract.number"),
    (r"^contract( name)?$", "contract.name"),
    (r"^(supplier|vendor)( name)?$", "contract.supplier"),
    (r"^(contract |pricing )?tier$", "contract.tier"),
    (r"^contract (start|effective)( date)?$|^effective date$", "contract.starts_on"),
    (r"^contract (end|expiry|expiration)( date)?$", "contract.ends_on"),
    (r"^(date|today|date signed|signed on)$", "today"),
    (rf"\b(account|member|customer) {_NUMBER}$", "account.number"),
    (r"^(account|facility|organi[sz]ation|member|customer|legal|company|hospital|practice)( name)?$", "account.name"),
    (r"\bgln\b", "account.gln"),
    (r"\bhin\b", "account.hin"),
    (r"\bdea\b", "account.dea"),
    (r"\baddress line 1\b|^street( address)?$", "account.address_line1"),
    (r"\baddress line 2\b", "account.address_line2"),
    (r"^city$", "account.city"),
    (r"^state$", "account.state"),
    (r"^(zip|zip code|postal code|postcode)$", "account.postal_code"),
    (r"^country$", "account.country"),
    (r"^(mailing |billing |ship-to )?address$", "account.address"),
    (r"^contact( name| person)?$", "account.contact_name"),
    (r"\be-?mail\b", "account.contact_email"),
    (r"^(tele)?phone( number)?$|^tel\.?$", "account.phone"),
)
_COMPILED = tuple((re.compile(pattern), binding) for pattern, binding in _BINDINGS)
_PREFIX = re.compile(r"^(p\d+|page\d*|\d+)$")  # generated parts of a field name: "p1_3_account_number"


def humanise(name: str) -> str:
    """A label as a person would write it: "p1_3_account_number" -> "Account number", "ACCOUNT NUMBER:"
    -> "Account number", "contactEmail" -> "Contact email"."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", name.strip()).replace("_", " ").split()
    while len(words) > 1 and _PREFIX.match(words[0].lower()):
        words.pop(0)
    label = " ".join(words).strip(" :.-") or name.strip()
    identifier = " " not in name.strip()  # a form field's name, not words a person wrote
    if identifier or label.isupper() or label.islower():
        label = label[:1].upper() + label[1:].lower()
    return label[:200]


def _key(label: str) -> str:
    return " ".join(re.sub(r"[:*]", " ", label.lower()).split())


def guess_type(label: str) -> str:
    """text | number | date | signature, as the label suggests."""
    key = _key(label)
    return next((kind for kind, pattern in _TYPES if pattern.search(key)), "text")


def guess_binding(label: str) -> str | None:
    """The catalogue binding the label names, or None."""
    key = _key(label)
    return next((binding for pattern, binding in _COMPILED if pattern.search(key)), None)
