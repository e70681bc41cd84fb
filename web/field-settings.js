// The side panel of the field editor: one template field's name, type, page, whether it is required and the
// data it is filled from (the binding catalogue of GET /templates/bindings, or a fixed value, written
// `fixed:<text>`). Each change goes to the editor at once, so the box on the page follows the typing.
import { ApiError } from "./api.js";
import { choices, explain } from "./records.js";
import { FIELD_TYPES } from "./templates.js";
import { checkbox, field, form, h } from "./ui.js";

const FIXED = "fixed:";
const SOURCES = { acroform: "A field of the PDF's own form", detected: "Detected on the page", manual: "Drawn by hand" };

/** A binding in words: the catalogue's label, or the fixed text in quotes. */
export function bindingText(binding, catalogue) {
  if (binding.startsWith(FIXED)) return `“${binding.slice(FIXED.length)}”`;
  return catalogue.bindings.find((entry) => entry.key === binding)?.label || binding;
}

/**
 * The panel's content for `item` ({draft, saved, source, confidence}): a heading, where the field came
 * from, and its form. `onChange(changes)` gets each edit ({name, type, page, required, binding});
 * `onSave()` saves it (its ApiError is shown on the form; a 412 offers `reload`). `pages` are the page
 * numbers, `position` the rectangle in words, `remove` the delete button.
 */
export function fieldSettings({ item, catalogue, editable, pages, position, remove, reload, onChange, onSave }) {
  const bound = item.draft.binding || "";
  const isFixed = bound.startsWith(FIXED);
  const fixed = field({ label: "Fixed value", name: "fixed", maxlength: "200", value: isFixed ? bound.slice(FIXED.length) : "",
    hint: "The text every document gets in this field." });
  const fixedInput = fixed.querySelector("input");
  const showFixed = (shown) => {
    fixed.hidden = !shown;
    fixedInput.disabled = !shown;
    fixedInput.required = shown;
  };
  showFixed(isFixed);
  const again = h("button", { type: "button", class: "secondary", hidden: true, onclick: reload }, "Reload fields");
  const settings = form({
    label: "Field settings",
    fields: [
      field({ label: "Name", name: "name", required: true, maxlength: "200", value: item.draft.name }),
      field({ label: "Type", name: "type", type: "select", options: choices(FIELD_TYPES), value: item.draft.type }),
      field({ label: "Page", name: "page", type: "select", options: pages.map((n) => [String(n), `Page ${n}`]), value: String(item.draft.page) }),
      checkbox({ label: "Required", name: "required", value: "true", checked: item.draft.required }),
      field({ label: "Filled from", name: "binding", type: "select", value: isFixed ? "fixed" : bound,
        options: [["", "Nothing (filled in by hand)"], ...catalogue.bindings.map((entry) => [entry.key, entry.label]), ["fixed", "A fixed value…"]] }),
      fixed,
      h("p", { class: "field-position muted" }, position),
    ],
    submit: item.saved ? "Save field" : "Add field",
    onSubmit: async () => {
      again.hidden = true;
      try {
        await onSave();
      } catch (err) {
        again.hidden = !(err instanceof ApiError && err.status === 412);
        throw explain(err, { entity: "field", unique: ["name"] });
      }
    },
    extra: [again, remove],
  });
  const control = (name) => settings.querySelector(`[name=${name}]`);
  const read = () => {
    const binding = control("binding").value;
    showFixed(binding === "fixed");
    const text = fixedInput.value.trim();
    onChange({
      name: control("name").value.trim(),
      type: control("type").value,
      page: Number(control("page").value),
      required: control("required").checked,
      // A fixed value chosen but not typed yet keeps the binding the field had.
      binding: binding === "fixed" ? (text ? `${FIXED}${text}` : item.draft.binding) : binding || null,
    });
  };
  settings.addEventListener("input", read);
  settings.addEventListener("change", read);
  if (!editable) {
    for (const element of settings.elements) element.disabled = true;
    settings.querySelector("button[type=submit]").remove();
  }
  const from = item.saved && SOURCES[item.source];
  return [
    h("h2", { id: "field-form-title" }, item.saved ? `Field: ${item.saved.name}` : "New field"),
    from ? h("p", { class: "muted" }, from,
      item.source === "detected" && item.confidence != null ? `, confidence ${Math.round(item.confidence * 100)}%.` : ".") : null,
    settings,
  ];
}
