// One document: a preview of its PDF pages beside what PACT knows of it, which can be edited.
import { api, send } from "../api.js";
import { can } from "../auth.js";
import { bytes } from "../listing.js";
import { nameAndNumber, recordPicker } from "../pickers.js";
import {
  DOCUMENT_NEXT, DOCUMENT_TYPES, choices, deletePanel, facts, label, loadFailed, loadRecord, recordField, recordForm, recordPath,
} from "../records.js";
import { describe, h, heading, message, say, show, when } from "../ui.js";

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
    text({ label: "Status", name: "status", type: "select", options: choices([doc.status, ...(DOCUMENT_NEXT[doc.status] || [])]) }),
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
