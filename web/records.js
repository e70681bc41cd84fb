// What the records pages (accounts, contracts, distributors, documents, bundles) share: the codes the API
// knows and their labels, a record read with its ETag and saved with If-Match, plain words for a
// duplicate (409) and for a record someone else changed meanwhile (412), and the create/edit page.
import { ApiError, apiResponse } from "./api.js";
import { can } from "./auth.js";
import { confirmButton, describe, field, form, h, heading, message, say, show } from "./ui.js";

export const ACCOUNT_TYPES = ["health_system", "hospital", "clinic", "physician_practice", "pharmacy", "long_term_care", "other"];
export const ACCOUNT_STATUSES = ["active", "inactive", "prospect"];
export const CONTRACT_STATUSES = ["draft", "active", "expired", "terminated"];
export const CANDIDATE_STATUSES = ["eligible", "invited", "sent", "returned", "activated", "declined", "expired"];
export const DISTRIBUTOR_STATUSES = ["active", "inactive"];
export const DOCUMENT_STATUSES = ["draft", "uploaded", "processing", "review", "failed", "completed", "archived"];
// Where a document's status may move by hand (DOCUMENT_TRANSITIONS in shared_code/documents/models.py;
// `deleted` is what deleting does, so it is not offered).
export const DOCUMENT_NEXT = {
  draft: ["uploaded"],
  uploaded: ["processing", "review", "failed", "completed", "archived"],
  processing: ["review", "failed", "completed"],
  review: ["processing", "failed", "completed", "archived"],
  failed: ["processing", "review", "archived"],
  completed: ["review", "archived"],
  archived: ["completed"],
};
export const BUNDLE_STATUSES = ["open", "closed"];
// core.DocumentType (migration 0002): the API has no route listing them yet.
export const DOCUMENT_TYPES = ["participation_form", "letter_of_commitment", "returned_scan", "signed_document", "print_file", "other"];

/** A code as words: "health_system" → "Health system". */
export function label(code) {
  if (code === null || code === undefined || code === "") return "";
  const text = String(code).replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Select options for codes, led by an empty choice (e.g. "Any status") when `none` is given. */
export function choices(codes, none) {
  return [...(none ? [["", none]] : []), ...codes.map((code) => [code, label(code)])];
}

export function recordPath(resource, id) {
  return `/${resource}/${encodeURIComponent(id)}`;
}

/** A record and its ETag. */
export async function loadRecord(path) {
  const { envelope, headers } = await apiResponse(path);
  return { data: envelope.data, etag: headers.get("ETag") };
}

/** Send a change that must apply to the version read (`etag`); resolves to the record as saved and its new ETag. */
export async function saveRecord(path, { method = "PATCH", body, etag } = {}) {
  const headers = etag ? { "If-Match": etag } : {};
  const { envelope, headers: answer } = await apiResponse(path, { method, body, headers });
  return { data: envelope.data, etag: answer.get("ETag") };
}

export const STALE_MESSAGE = "was changed by someone else since you opened it. Reload it to see their changes, then make yours again.";

/**
 * The API's refusal in words a person can act on: 412 says someone else changed the record; 409 says
 * which unique field is already taken (`unique`: the form's field names that must be unique).
 */
export function explain(err, { entity, unique = [] }) {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 412) return new ApiError(412, err.code, `This ${entity} ${STALE_MESSAGE}`);
  if (err.status === 400 && Array.isArray(err.details) && err.details.length) {
    // Field errors land on their fields; errors of the whole request ("body") are spelled out here.
    const general = err.details.filter((detail) => !detail.field || detail.field === "body").map((detail) => String(detail.message).replace(/^Value error, /, ""));
    return new ApiError(400, err.code, general.length ? `${general.join(". ")}.` : "Please correct the highlighted fields.", err.details);
  }
  if (err.status === 409) {
    const constraint = JSON.stringify(err.details || "");
    const taken = unique.filter((name) => constraint.includes(name));
    const fields = taken.length ? taken : unique;
    const what = fields.length ? fields.join(" or ") : "details";
    return new ApiError(409, err.code, `Another ${entity} already has this ${what}.`,
      fields.map((name) => ({ field: name, message: `Already used by another ${entity}.` })));
  }
  return err;
}

/** The request body from a form's values: on create the filled fields; on update the changed ones ("" clears). */
export function changes(values, record, names) {
  const body = {};
  for (const name of names) {
    if (!(name in values)) continue;
    const value = values[name];
    if (!record) {
      if (value !== "") body[name] = value;
    } else if (value !== String(record[name] ?? "")) {
      body[name] = value === "" ? null : value;
    }
  }
  return body;
}

/** A definition list of [label, value] pairs, leaving out empty values. Values are text or nodes. */
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

/** Page content for a record that could not be loaded. */
export function loadFailed(view, title, err, back) {
  show(view, heading(title), h("p", { class: "form-error", role: "alert" }, describe(err)), h("a", { href: back.href }, back.label));
}

/**
 * The render() of a create/edit page for a simple record. `spec`:
 *   resource, entity ("account"), title ("Account"), back: {href, label}, unique: ["number"],
 *   fields(record, params): the form's fields (ui.field() elements or pickers), possibly async,
 *   detail(record): where to go once saved; optional readOnly(record), and deletable: {guard, after}
 *   for a record whose edit page is its only page (a delete panel, then go to `after`).
 * Changes are sent with the ETag read; if someone saved meanwhile the form says so and offers a reload.
 */
export function editPage(spec) {
  return async function render(view, params) {
    const { id } = params;
    let record = null;
    let etag = null;
    try {
      if (id) ({ data: record, etag } = await loadRecord(recordPath(spec.resource, id)));
    } catch (err) {
      loadFailed(view, spec.title, err, spec.back);
      return;
    }
    const editor = recordForm({
      ...spec, record, etag, fields: await spec.fields(record, params),
      onSaved: (saved) => { location.hash = spec.detail(saved); },
      onReload: () => render(view, params),
      cancel: record ? spec.detail(record) : spec.back.href,
    });
    const readOnly = spec.readOnly ? spec.readOnly(record) : false;
    if (readOnly) {
      for (const control of editor.elements) control.disabled = true;
      editor.querySelector("button[type=submit]").remove();
    }
    const title = !record ? `New ${spec.entity}` : readOnly ? `${spec.title}: ${spec.name(record)}` : `Edit ${spec.entity}: ${spec.name(record)}`;
    show(view, heading(title, h("a", { href: spec.back.href }, spec.back.label)), editor,
      record && spec.deletable ? deletePanel({ resource: spec.resource, guard: spec.deletable.guard, entity: spec.entity, record, etag,
        onDone: () => { location.hash = spec.deletable.after; } }) : null);
    if (!readOnly) editor.querySelector("input, select")?.focus();
  };
}

/**
 * A form that creates a record (`record` null) or saves the changed fields of one with `If-Match: etag`.
 * `onSaved(record)` gets the saved record. A 412 shows the stale message and a button that calls
 * `onReload()`; a 409 marks the `unique` fields. `cancel` is an optional link target.
 */
export function recordForm({ resource, entity, unique = [], record, etag, fields, onSaved, onReload, cancel, submit }) {
  const names = fields.map((element) => element.dataset?.field).filter(Boolean);
  const status = message();
  const reload = h("button", { type: "button", class: "secondary", hidden: true, onclick: onReload }, `Reload ${entity}`);
  return form({
    label: record ? `Edit ${entity}` : `New ${entity}`,
    fields: h("div", { class: "form-grid" }, fields),
    submit: submit || (record ? "Save changes" : `Create ${entity}`),
    onSubmit: async (values) => {
      say(status, "");
      reload.hidden = true;
      const body = changes(values, record, names);
      if (record && !Object.keys(body).length) {
        say(status, "Nothing to save.");
        return;
      }
      let saved;
      try {
        saved = record
          ? await saveRecord(recordPath(resource, record.id), { body, etag })
          : await saveRecord(`/${resource}`, { method: "POST", body });
      } catch (err) {
        reload.hidden = !(err instanceof ApiError && err.status === 412);
        throw explain(err, { entity, unique });
      }
      onSaved(saved.data, saved.etag);
    },
    extra: [reload, cancel ? h("a", { href: cancel }, "Cancel") : null, status],
  });
}

/**
 * A panel to delete (soft) a record, for callers with `<guard>:delete`; `onDone` runs once it is gone.
 * Deleted records are restored from their list (its "Deleted" filter), since a deleted record has no page.
 */
export function deletePanel({ resource, guard = resource, entity, record, etag, onDone }) {
  if (!can(`${guard}:delete`) || record.deleted_at) return null;
  const title = `delete-${record.id}`;
  return h("section", { class: "panel", "aria-labelledby": title },
    h("h2", { id: title }, `Delete ${entity}`),
    h("p", {}, `A deleted ${entity} leaves the lists. It is kept, and can be restored from the list's "Deleted" filter.`),
    confirmButton({
      label: `Delete ${entity}`,
      question: `Delete this ${entity}?`,
      danger: true,
      action: async () => {
        try {
          await saveRecord(recordPath(resource, record.id), { method: "DELETE", etag });
        } catch (err) {
          throw explain(err, { entity });
        }
        onDone();
      },
    }));
}

/** A record's code fields for a form: `ui.field()` with the record's value and the given options. */
export function recordField(record, spec) {
  const value = record ? record[spec.name] ?? "" : spec.value;
  return field({ ...spec, value });
}
