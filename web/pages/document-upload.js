// Upload documents: drop files (or choose them), give them their account, contract and type, and watch
// each one's progress. A small file goes to the API in one multipart request; a large one straight to
// storage through an upload link the API hands out, then the API is told it is complete. Either way
// the answer lists documents with the same content uploaded before, which we show as a warning.
import { ApiError, api, sendWithProgress } from "../api.js";
import { nameAndNumber, recordPicker } from "../pickers.js";
import { DOCUMENT_TYPES, choices } from "../records.js";
import { describe, field, formValues, h, heading, message, say, show, when } from "../ui.js";
import { dropZone, postFile, uploadRow } from "../uploads.js";

// Above this a file goes through an upload link: the API takes direct uploads up to 32 MiB (less when
// PACT_MAX_UPLOAD_BYTES is lower), and a link spares the API a large body.
const DIRECT_LIMIT = 16 * 1024 * 1024;

export async function render(view, params) {
  const queue = []; // [{file, row}] waiting to be sent
  const files = h("ul", { class: "upload-list", id: "upload-list", "aria-label": "Files to upload" });
  const errors = message("error");
  const status = message();
  const metadata = h("form", { "aria-label": "Details for the uploaded documents", class: "form-grid", novalidate: true,
    onsubmit: (event) => event.preventDefault() },
  field({ label: "Title", name: "title", maxlength: "300", hint: "Leave empty to use each file's name." }),
  field({ label: "Document type", name: "document_type", type: "select", options: choices(DOCUMENT_TYPES, "Not set") }),
  recordPicker({ label: "Account", name: "account_id", resource: "accounts", text: nameAndNumber, value: params.account_id || "" }),
  recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber, value: params.contract_id || "" }),
  field({ label: "Description", name: "description", type: "textarea", maxlength: "2000" }));
  const send = h("button", { type: "button", id: "start-upload", disabled: true }, "Upload");

  const add = (chosen) => {
    for (const file of chosen) {
      const row = uploadRow(file);
      queue.push({ file, row });
      files.append(row.element);
    }
    send.disabled = queue.length === 0;
    say(errors, "");
  };
  const zone = dropZone({ id: "dropzone", inputId: "upload-files", title: "Drop PDF files here", label: "Choose files", onFiles: add });

  send.addEventListener("click", async () => {
    const details = Object.fromEntries(Object.entries(formValues(metadata)).filter(([, value]) => value !== ""));
    send.disabled = true;
    let done = 0;
    while (queue.length) {
      const { file, row } = queue.shift();
      try {
        row.finish(...outcome(await upload(file, details, row.progress)));
        done += 1;
      } catch (err) {
        row.fail(err instanceof ApiError ? describe(err) : "The upload failed.");
        if (!(err instanceof ApiError)) console.error(err);
      }
    }
    say(status, done ? `${done} ${done === 1 ? "document" : "documents"} uploaded.` : "");
  });

  show(view,
    heading("Upload documents", h("a", { href: "#/documents" }, "Back to documents")),
    h("div", { class: "upload-layout" },
      h("section", { class: "panel", "aria-label": "Files" }, zone, files, errors,
        h("div", { class: "actions" }, send, status)),
      h("section", { class: "panel", "aria-labelledby": "upload-details" }, h("h2", { id: "upload-details" }, "Details"), metadata)));
}

/** Send one file; resolves to {saved (the document), duplicates}. `progress(fraction)` follows the bytes sent. */
async function upload(file, details, progress) {
  const onProgress = (loaded, total) => progress(total ? loaded / total : 0);
  let data;
  if (file.size <= DIRECT_LIMIT) {
    data = await postFile("/documents/upload", file, { fields: details, progress });
  } else {
    const started = (await api("/documents/uploads", { method: "POST", body: { file_name: file.name, size_bytes: file.size } })).data;
    const stored = await sendWithProgress(started.upload_url, {
      method: "PUT", body: file, auth: false, onProgress,
      headers: { "x-ms-blob-type": "BlockBlob", "Content-Type": file.type || "application/octet-stream" },
    });
    if (stored.status < 200 || stored.status >= 300) {
      throw new ApiError(stored.status, "upload_failed", `The storage refused the file (${stored.status}).`);
    }
    data = (await api(`/documents/uploads/${encodeURIComponent(started.upload_id)}/complete`, {
      method: "POST", body: { file_name: file.name, ...details },
    })).data;
  }
  progress(1);
  return { saved: data, duplicates: data.duplicates || [] };
}

/** What an uploaded file's line shows: a link to the document, and a warning naming earlier uploads of the same file. */
function outcome({ saved, duplicates }) {
  return [
    h("a", { href: `#/documents/${encodeURIComponent(saved.id)}` }, `Open ${saved.title || saved.file_name || "the document"}`),
    duplicates.length ? h("div", { class: "warning", role: "status" },
      "The same file was uploaded before: ",
      duplicates.map((d, i) => [i ? ", " : "", h("a", { href: `#/documents/${encodeURIComponent(d.id)}` },
        d.title || d.file_name || d.id, d.created_at ? ` (${when(d.created_at)})` : "")])) : null,
  ];
}
