"""Filling a corpus page: typed values of many kinds and handwriting-like strokes (values, signatures,
check marks), drawn with reportlab into the slots the layout recorded."""

from __future__ import annotations

import random

from tests.support.corpus_layouts import Slot

_FIRST = ["Maria", "James", "Aisha", "Chen", "Olga", "Rahul", "Grace", "Tomás", "Ingrid", "Kwame", "Lucy", "Omar"]
_LAST = ["Okafor", "Lindqvist", "Brennan", "Nakamura", "Alvarez", "Whitfield", "Petrov", "Haddad", "Moreau"]
_PLACES = ["Riverside", "St. Jude", "Cedar Valley", "Lakeshore", "Mercy", "Pinecrest", "Harborview", "Oakwood"]
_KINDS = ["Medical Center", "Family Clinic", "Dental Group", "Pharmacy", "Surgical Institute", "Care Home"]
_STREETS = ["Main Street", "Elm Avenue", "Industrial Pkwy", "Hillcrest Road", "Bay Boulevard", "2nd Street"]
_CITIES = ["Springfield IL 62701", "Austin TX 73301", "Albany NY 12207", "Tucson AZ 85701", "Boise ID 83702"]


def value_for(name: str, rng: random.Random) -> str:
    """A plausible typed value for a slot called `name`."""
    label = name.split("_", 2)[-1]
    person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    if "date" in label or "effective" in label or "start" in label or "expiry" in label:
        return f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/20{rng.randint(24, 27)}"
    if "number" in label or "id" in label.split("_") or "routing" in label or "dea" in label:
        return f"{rng.choice('ABCDEFGHKM')}{rng.randint(10000, 9999999)}"
    if "email" in label:
        return f"{person.split()[0].lower()}@{rng.choice(_PLACES).lower().replace(' ', '').replace('.', '')}.example"
    if "telephone" in label:
        return f"({rng.randint(200, 989)}) 555-{rng.randint(1000, 9999)}"
    if "address" in label:
        return f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}"
    if "city" in label:
        return rng.choice(_CITIES)
    if "name" in label and ("contact" in label or "printed" in label):
        return person
    if "title" in label:
        return rng.choice(["Director of Purchasing", "CFO", "Office Manager", "Practice Owner", "Buyer"])
    if any(word in label for word in ("spend", "volume", "price", "amount", "beds", "quantity", "chairs")):
        return f"{rng.randint(1, 950):,}" + rng.choice(["", ".00", " units"])
    return f"{rng.choice(_PLACES)} {rng.choice(_KINDS)}"


def fill_slots(canvas, slots: list[Slot], rng: random.Random, *, fill_share: float, handwriting: float) -> dict:
    """Write into a share of `slots`: typed text, or (with probability `handwriting`) pen strokes.
    Returns the typed values by slot name (what extraction should read back)."""
    typed = {}
    for slot in slots:
        if slot.kind == "signature":
            if rng.random() < 0.85:
                _scribble(canvas, slot.rect, rng, loops=rng.randint(5, 11), height=0.9)
            continue
        if rng.random() > fill_share:
            continue
        if slot.kind == "check":
            _check_mark(canvas, slot.rect, rng)
        elif rng.random() < handwriting:
            _scribble(canvas, slot.rect, rng, loops=rng.randint(4, 12), height=0.6)
        else:
            typed[slot.name] = _type(canvas, slot, rng)
    return typed


def _type(canvas, slot: Slot, rng: random.Random) -> str:
    x0, y0, x1, y1 = slot.rect
    font = rng.choice(["Helvetica", "Courier", "Times-Roman"])
    size = min(10.5, (y1 - y0) * 0.8)
    value = value_for(slot.name, rng)
    while canvas.stringWidth(value, font, size) > x1 - x0 - 4 and len(value) > 4:
        value = value[:-1].rstrip()
    canvas.setFillColorRGB(0, 0, rng.choice([0, 0, 0.35]))
    canvas.setFont(font, size)
    canvas.drawString(x0 + 2, y0 + 2, value)
    canvas.setFillColorRGB(0, 0, 0)
    return value


def _scribble(canvas, rect, rng: random.Random, *, loops: int, height: float) -> None:
    """A pen stroke of `loops` connected loops across the start of `rect` (handwriting, a signature)."""
    x0, y0, x1, y1 = rect
    width = min(x1 - x0, loops * rng.uniform(8, 16))
    amplitude = (y1 - y0) * height / 2
    middle = y0 + (y1 - y0) / 2
    canvas.setStrokeColorRGB(rng.uniform(0, 0.1), rng.uniform(0, 0.15), rng.uniform(0.2, 0.6))
    canvas.setLineWidth(rng.uniform(0.7, 1.6))
    path = canvas.beginPath()
    x, y = x0 + rng.uniform(0, 6), middle
    path.moveTo(x, y)
    step = width / loops
    for _ in range(loops):
        path.curveTo(
            x + step * rng.uniform(0.1, 0.5),
            y + amplitude * rng.uniform(0.6, 1.3),
            x + step * rng.uniform(0.6, 1.2),
            y - amplitude * rng.uniform(0.6, 1.3),
            x + step,
            middle + amplitude * rng.uniform(-0.4, 0.4),
        )
        x, y = x + step, middle
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setStrokeColorRGB(0, 0, 0)


def _check_mark(canvas, rect, rng: random.Random) -> None:
    x0, y0, x1, y1 = rect
    canvas.setLineWidth(rng.uniform(0.9, 1.8))
    if rng.random() < 0.5:  # a cross
        canvas.line(x0 + 1, y0 + 1, x1 - 1, y1 - 1)
        canvas.line(x0 + 1, y1 - 1, x1 - 1, y0 + 1)
    else:  # a tick
        canvas.line(x0 + 1, y0 + (y1 - y0) / 2, x0 + (x1 - x0) * 0.4, y0 + 1)
        canvas.line(x0 + (x1 - x0) * 0.4, y0 + 1, x1 + 2, y1 + 3)
