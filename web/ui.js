// Small DOM helpers shared by the pages. Text always goes in as text (never as HTML), and forms
// report errors accessibly: a summary in a live region plus a message tied to each field at fault.
import { ApiError } from "./api.js";

let nextId = 0;

/** An element: h("button", {type: "button", class: "link", onclick: fn}, "Text", child, ...). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element && typeof value !== "string") element[name] = value; // checked, disabled, value…
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...flatten(children));
  return element;
}

function flatten(children) {
  return children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : String(child)));
}

export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** Put a page's content in the view and give the view focus for screen readers. */
export function show(view, ...children) {
  view.replaceChildren(...flatten(children));
}

/**
 * A labelled input (or select/textarea with `type: "select"|"textarea"`) with a hint and an error slot.
 * Any other option becomes an attribute of the control (required, autocomplete, inputmode…).
 */
export function field({ label, name, type = "text", hint, options, value, ...attributes }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let control;
  if (type === "select") {
    control = h("select", { id, name }, options.map(([optionValue, text]) => h("option", { value: optionValue }, text)));
    if (value !== undefined) control.value = value;
  } else if (type === "textarea") {
    control = h("textarea", { id, name, rows: "3" });
    if (value !== undefined) control.value = value;
  } else {
    control = h("input", { id, name, type });
    if (value !== undefined && value !== null) control.value = value;
  }
  for (const [attribute, setting] of Object.entries(attributes)) {
    if (setting === true) control.setAttribute(attribute, "");
    else if (setting !== false && setting !== undefined) control.setAttribute(attribute, setting);
  }
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

/** A checkbox with its label after it. */
export function checkbox({ label, name, value, checked = false, disabled = false, hint, title }) {
  const id = uid(`c-${name}`);
  return h("div", { class: "check", title },
    h("input", { type: "checkbox", id, name, value, checked, disabled }),
    h("label", { for: id }, label),
    hint ? h("span", { class: "hint" }, ` ${hint}`) : null);
}

/** A status line for successes (polite) or problems (assertive). */
export function message(kind = "status") {
  return kind === "error"
    ? h("div", { class: "form-error", role: "alert", hidden: true })
    : h("div", { class: "form-status", role: "status" });
}

export function say(region, text) {
  region.textContent = text || "";
  region.hidden = !text;
}

/**
 * A form with an error summary before its fields and a submit button after them.
 * `onSubmit(values, form)` may throw an ApiError: its message goes to the summary and each
 * `details: [{field, message}]` entry to the field of that name.
 */
export function form({ label, fields, submit, onSubmit, extra = [] }) {
  const errors = message("error");
  const button = h("button", { type: "submit" }, submit);
  const element = h("form", { "aria-label": label, novalidate: true }, errors, fields, h("div", { class: "actions" }, button, extra));
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(element, errors);
    if (!element.checkValidity()) {
      showInvalidFields(element, errors);
      return;
    }
    button.disabled = true;
    try {
      await onSubmit(formValues(element), element);
    } catch (err) {
      showError(element, errors, err);
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

/** The form's named controls as an object; checkboxes of one name become an array of values. */
export function formValues(element) {
  const values = {};
  for (const control of element.elements) {
    if (!control.name || control.disabled) continue;
    if (control.type === "checkbox") {
      values[control.name] ??= [];
      if (control.checked) values[control.name].push(control.value);
    } else {
      values[control.name] = control.type === "password" ? control.value : control.value.trim();
    }
  }
  return values;
}

export function showError(element, summary, err) {
  const text = err instanceof ApiError ? describe(err) : "Something went wrong. Please try again.";
  if (!(err instanceof ApiError)) console.error(err);
  if (err instanceof ApiError && Array.isArray(err.details)) {
    for (const detail of err.details) markField(element, lastSegment(detail.field), detail.message);
  }
  say(summary, text);
}

/** A person-readable sentence for an API error. */
export function describe(err) {
  if (err.status === 429 && err.retryAfter) return `${err.message} Try again in ${err.retryAfter} seconds.`;
  if (err.status === 403) return "You do not have permission to do that.";
  return err.message;
}

function lastSegment(path) {
  return String(path || "").split(".").pop();
}

function markField(element, name, text) {
  const control = element.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!control) return false;
  control.setAttribute("aria-invalid", "true");
  const error = control.closest(".field")?.querySelector(".field-error");
  if (error) say(error, text);
  return true;
}

function showInvalidFields(element, summary) {
  let first = null;
  for (const control of element.elements) {
    if (control.name && !control.validity.valid) {
      const label = control.labels?.[0]?.textContent || control.name;
      const problem = control.validity.valueMissing ? `${label} is required.` : control.dataset.invalid || control.validationMessage;
      markField(element, control.name, problem);
      first ??= control;
    }
  }
  say(summary, "Please correct the highlighted fields.");
  first?.focus();
}

function clearErrors(element, summary) {
  say(summary, "");
  for (const control of element.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  for (const error of element.querySelectorAll(".field-error")) say(error, "");
}

/** A page heading plus an optional line of actions on the right. */
export function heading(text, ...actions) {
  return h("div", { class: "page-head" }, h("h1", {}, text), actions.length ? h("div", { class: "page-actions" }, actions) : null);
}

/** Save a Blob under a file name (the CSV export). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A date-time from the API as local text (to the second when `seconds`); empty for null. */
export function when(value, { seconds = false } = {}) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: seconds ? "medium" : "short" });
}

/** Shown when a signed-in user opens a page their roles do not allow. */
export function forbidden(view) {
  show(view, h("h1", {}, "Not allowed"), h("p", {}, "Your roles do not include access to this page."));
}

/** A button that asks once more (inline, not a browser dialog) before `action` runs. */
export function confirmButton({ label, question, action, danger = false }) {
  const problem = message("error");
  const box = h("div", { class: "confirm" });
  const first = () => box.replaceChildren(
    h("button", { type: "button", class: danger ? "danger" : "secondary", onclick: () => second() }, label), problem);
  const second = () => {
    const yes = h("button", { type: "button", class: danger ? "danger" : "", onclick: async () => {
      yes.disabled = true;
      say(problem, "");
      try {
        await action();
      } catch (err) {
        say(problem, describe(err));
        yes.disabled = false;
      }
    } }, "Yes");
    box.replaceChildren(h("span", { class: "question" }, question), " ", yes, " ",
      h("button", { type: "button", class: "secondary", onclick: first }, "Cancel"), problem);
    yes.focus();
  };
  first();
  return box;
}
