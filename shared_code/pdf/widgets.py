"""AcroForm widgets by the names PACT gives fields, and what a filled widget holds (read with pypdf)."""

from __future__ import annotations


def named_widgets(pages) -> dict[str, tuple[int, object]]:
    """The form widgets of `pages` (pypdf pages) by field name, with their page index: the qualified name
    ("parent.child"), and for a name met again on a later widget `name#2`, `name#3`, ... as indexing
    names fields."""
    widgets: dict[str, tuple[int, object]] = {}
    counts: dict[str, int] = {}
    for index, page in enumerate(pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            name = _qualified_name(widget) if widget.get("/Subtype") == "/Widget" else None
            if name and inherited(widget, "/FT") is not None:
                counts[name] = counts.get(name, 0) + 1
                widgets[name if counts[name] == 1 else f"{name}#{counts[name]}"] = (index, widget)
    return widgets


def widget_value(widget) -> str | bool | None:
    """What a filled widget holds: True/False for a checkbox or radio button (its own state), "signed" for
    a signed signature field, the text of any other (None when it has none)."""
    kind = inherited(widget, "/FT")
    if kind == "/Btn":
        state = widget.get("/AS")
        return str(state) != "/Off" if state is not None else str(inherited(widget, "/V") or "/Off") != "/Off"
    value = inherited(widget, "/V")
    if value is None:
        return None
    value = value.get_object()
    if kind == "/Sig":
        return "signed"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _qualified_name(widget) -> str | None:
    names, node = [], widget
    while node is not None:
        node = node.get_object()
        if "/T" in node:
            names.append(str(node["/T"]))
        node = node.get("/Parent")
    return ".".join(reversed(names)) or None


def inherited(widget, key: str):
    """`key` of the widget, or of the nearest parent field that has it."""
    node = widget
    while node is not None:
        node = node.get_object()
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def terminal(widget):
    """The field dictionary a widget shows: itself when it carries the name, else its parent."""
    return widget if "/T" in widget or "/Parent" not in widget else widget["/Parent"].get_object()


def widget_rect(widget) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
