"""What text read from a field means: the text tidied, a number without grouping, a date."""

from __future__ import annotations

import re
from datetime import date, datetime

LEADING_SPECKS = "'`*°~,.:; "
_DATE_FORMATS = (  # the usual ways a form's date is written, US first
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%m-%d-%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
)
# Typographic marks tesseract reads for plain ones (and "|" for "I"): form values use the plain ones.
_UNICODE_LOOKALIKES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-", "|": "I"}
)


def tidy(raw: str) -> str:
    """`raw` as read, tidied: plain marks for typographic ones, single spaces, no empty lines."""
    # Tesseract often sets "@" apart as a word of its own; no form value wants spaces around it. A speck
    # of dust before the first letter reads as a quote, a star or a degree sign: no value starts so.
    raw = re.sub(r"[ \t]*@[ \t]*", "@", raw.translate(_UNICODE_LOOKALIKES))
    lines = (" ".join(line.split()) for line in raw.strip().lstrip(LEADING_SPECKS).splitlines())
    return "\n".join(line for line in lines if line)


def number(raw: str) -> str | None:
    """ "1,250.00" -> "1250.00"; None when `raw` is not a number."""
    cleaned = raw.replace(",", "").replace("$", "").replace(" ", "").rstrip("%")
    return cleaned if re.fullmatch(r"[-+]?\d+(\.\d+)?", cleaned) else None


def parse_date(raw: str) -> date | None:
    """The date `raw` writes in one of the usual forms (03/15/2026, 2026-03-15, March 15, 2026, ...)."""
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(raw.strip(), pattern).date()
        except ValueError:
            continue
    return None
