// One document: a preview of its PDF pages beside what PACT knows of it, which can be edited; its status
// moves along the lifecycle with a reason, and its history says who moved it, when and why.
import { ApiError, api, send } from "../api.js";
import { can } from "../auth.js";
import { bytes } from "../listing.js";
import { nameAndNumber, recordPicker } from "../pickers.js";
import {
  DOCUMENT_NEXT, DOCUMENT_TYPES, choices, deletePanel, explain, facts, label, loadFailed, loadRecord, recordField, recordForm,
  recordPath, saveRecord,
} from "../records.js";
import { describe, field, form, h, heading, message, say, show, when } from "../ui.js";

const BACK = { href: "#/documents", label: "Back to documents" };
const PREVIEW_PAGES = 10;

export async function render(view, params) {
  let doc;
  let etag;
  try {
    ({ data: doc, etag } = await loadRecord(recordPath("documents", params.id)));
  } catch (err) {
    loadFailed(view, "Document", err, BACK);
    return;
  }
  const preview = h("section", { class: "panel preview", id: "document-preview", "aria-labelledby": "preview-title" },
    h("h2", { id: "preview-title" }, "Preview"));
  const draw = (current, currentEtag) => show(view,
    heading(current.title || current.file_name, downloadButton(current), h("a", { href: BACK.href }, BACK.label)),
    h("div", { class: "document-layout" },
      preview,
      h("div", { class: "document-side" },
        h("section", { class: "panel", "aria-label": "File" }, facts([
          ["File", current.file_name],
          ["Type of file", current.content_type],
          ["Size", bytes(current.size_bytes)],
          ["Pages", current.page_count ?? ""],
          ["Status", h("span", { class: `badge status-${current.status}` }, label(current.status))],
          ["SHA-256", h("code", { class: "hash" }, current.sha256 || "")],
          ["Uploaded", when(current.created_at)],
          ["Updated", when(current.updated_at)],
        ])),
        detailsPanel(current, currentEtag, draw, () => render(view, params)),
        statusPanel(current, currentEtag, draw, () => render(view, params)),
        historyPanel(current),
        deletePanel({ resource: "documents", entity: "document", record: current, etag: currentEtag, onDone: () => { location.hash = BACK.href; } }))));
  draw(doc, etag);
  await drawPreview(preview, doc);
}

function detailsPanel(doc, etag, draw, reload) {
  const editable = can("documents:update");
  const text = (spec) => recordField(doc, spec);
  const fields = [
    text({ label: "Title", name: "title", required: true, maxlength: "300" }),
    text({ label: "Document type", name: "document_type", type: "select", options: choices(DOCUMENT_TYPES, "Not set") }),
    recordPicker({ label: "Account", name: "account_id", resource: "accounts", text: nameAndNumber, value: doc.account_id || "" }),
    recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber, value: doc.contract_id || "" }),
    text({ label: "Description", name: "description", type: "textarea", maxlength: "2000" }),
  ];
  const editor = recordForm({ resource: "documents", entity: "document", record: doc, etag, fields, onSaved: draw, onReload: reload, submit: "Save details" });
  if (!editable) {
    for (const control of editor.elements) control.disabled = true;
    editor.querySelector("button[type=submit]").remove();
  }
  return h("section", { class: "panel", "aria-labelledby": "document-details" }, h("h2", { id: "document-details" }, "Details"), editor);
}

/** Move the document along its lifecycle: the next statuses it may take, and a reason, which is required. */
function statusPanel(doc, etag, draw, reload) {
  const next = DOCUMENT_NEXT[doc.status] || [];
  if (!can("documents:update") || doc.deleted_at || !next.length) return null;
  const again = h("button", { type: "button", class: "secondary", hidden: true, onclick: reload }, "Reload document");
  const editor = form({
    label: "Change status",
    fields: h("div", { class: "form-grid" },
      field({ label: "New status", name: "status", type: "select", options: choices(next) }),
      field({ label: "Reason", name: "reason", type: "textarea", required: true, maxlength: "500",
        hint: "Why the status changes; kept in the document's history." })),
    submit: "Change status",
    onSubmit: async (values) => {
      again.hidden = true;
      try {
        const saved = await saveRecord(`${recordPath("documents", doc.id)}/status`, { method: "POST", body: values, etag });
        draw(saved.data, saved.etag);
      } catch (err) {
        again.hidden = !(err instanceof ApiError && err.status === 412);
        throw explain(err, { entity: "document" });
      }
    },
    extra: [again],
  });
  return h("section", { class: "panel", "aria-labelledby": "document-status" }, h("h2", { id: "document-status" }, "Status"), editor);
}

/** Every status the document has had, oldest first: when, who, the move and why. */
function historyPanel(doc) {
  const note = h("p", { class: "muted", role: "status" }, "Loading the history…");
  const steps = h("ol", { class: "history", id: "document-history" });
  api(`${recordPath("documents", doc.id)}/history`).then(({ data }) => {
    note.remove();
    steps.replaceChildren(...data.changes.map((step) => h("li", { dataset: { status: step.to_status } },
      h("span", { class: "history-when" }, when(step.occurred_at)), " ",
      h("strong", {}, step.from_status ? `${label(step.from_status)} → ${label(step.to_status)}` : label(step.to_status)),
      ` by ${step.actor_name || (step.actor_type === "system" ? "PACT" : step.actor_type === "api_key" ? "an API key" : "someone")}`,
      step.reason ? h("p", { class: "history-reason" }, step.reason) : null)));
  }).catch((err) => {
    note.textContent = `The history could not be loaded: ${describe(err)}`;
    note.classList.add("form-error");
  });
  return h("section", { class: "panel", "aria-labelledby": "document-history-title" },
    h("h2", { id: "document-history-title" }, "History"), note, steps);
}

function downloadButton(doc) {
  const status = message();
  const button = h("button", { type: "button", class: "secondary", onclick: async () => {
    say(status, "");
    try {
      location.assign((await api(`${recordPath("documents", doc.id)}/download`)).data.url);
    } catch (err) {
      say(status, `The download failed: ${describe(err)}`);
    }
  } }, "Download");
  return h("span", { class: "export" }, button, status);
}

/** The PDF's first pages, fetched with the caller's token; other files have no preview. */
async function drawPreview(section, doc) {
  const note = h("p", { class: "muted", role: "status" }, "Loading the preview…");
  const pages = h("div", { class: "pdf-pages" });
  section.append(note, pages);
  if (!/pdf/i.test(doc.content_type || "")) {
    note.textContent = "There is no preview for this type of file.";
    return;
  }
  try {
    const response = await send(`${recordPath("documents", doc.id)}/content`, { headers: { Accept: "application/pdf" } });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const { renderPdf } = await import("../pdf-preview.js");
    const { pages: count, shown } = await renderPdf(pages, await response.arrayBuffer(), { maxPages: PREVIEW_PAGES });
    note.textContent = shown < count ? `The first ${shown} of ${count} pages.` : `${count} ${count === 1 ? "page" : "pages"}.`;
    section.dataset.rendered = "true";
  } catch (err) {
    note.textContent = `The preview could not be shown: ${err.message || err}`;
    note.classList.add("form-error");
  }
}
