// One batch: its progress, live while it is queued or running (asked once a second while the page is
// shown), the failed documents with their reasons, every document made (each a link to its page), cancel,
// and its print files and release.
import { ApiError, api } from "../api.js";
import { can } from "../auth.js";
import { bytes } from "../listing.js";
import { explain, facts, label, loadFailed } from "../records.js";
import { localTable } from "../table.js";
import { checkbox, confirmButton, describe, field, form, h, heading, message, say, show, when } from "../ui.js";
import { UNSETTLED, batchPath, nameText, progressBar } from "../batches.js";
import { statusBadge, templateHref } from "../templates.js";

const BACK = { href: "#/batches", label: "Back to batches" };
const WATCH_EVERY_MS = 1000; // a chunk of 50 documents takes a second or two

export async function render(view, params) {
  let batch;
  try {
    ({ data: batch } = await api(batchPath(params.id)));
  } catch (err) {
    loadFailed(view, "Batch", err, BACK);
    return;
  }
  const watch = h("p", { id: "batch-watch", role: "status", class: "muted" });
  const summary = h("div", { id: "batch-summary" });
  const failures = h("div", { id: "batch-failures" });
  const grid = h("div", { id: "batch-documents", class: "table" });
  const actions = h("div", { id: "batch-actions" });
  const printing = h("div", {});
  let shownStatus = null; // the status the print panel was drawn for: it is drawn again only when that changes
  const title = h("div", {});
  const done = h("p", { role: "status", id: "batch-done", class: "form-status" });
  show(view,
    title, done,
    h("div", { class: "document-layout" },
      h("div", {},
        h("section", { class: "panel", "aria-labelledby": "batch-progress-title" },
          h("h2", { id: "batch-progress-title" }, "Progress"), watch, summary),
        h("section", { class: "panel", "aria-labelledby": "batch-failures-title" },
          h("h2", { id: "batch-failures-title" }, "Failed documents"), failures),
        h("section", { class: "related", "aria-labelledby": "batch-documents-title" },
          h("h2", { id: "batch-documents-title" }, "Documents"), grid)),
      h("div", { class: "document-side" }, actions, printing)));
  const documents = localTable(grid, { columns: documentColumns(), label: "Documents of the batch, in print order",
    placeholder: "No documents yet." });

  const draw = (current) => {
    batch = current;
    title.replaceChildren(heading(`Batch of ${current.total} ${current.total === 1 ? "document" : "documents"}`,
      statusBadge(current.status), h("a", { href: BACK.href }, BACK.label)));
    summary.replaceChildren(progressBar(current, { id: "batch-progress" }), facts([
      ["Status", statusBadge(current.status)],
      ["Template", h("a", { href: templateHref(current.template_id) }, nameText("templates", current.template_id))],
      ["Version", String(current.template_version)],
      ["Contract", h("a", { href: `#/contracts/${encodeURIComponent(current.contract_id)}` }, nameText("contracts", current.contract_id))],
      ["Delivery", label(current.delivery)],
      ["Created", when(current.created_at)],
      ["Finished", when(current.finished_at)],
      ["Problem", current.error],
    ]));
    failures.replaceChildren(current.failures.length
      ? h("ul", { class: "failure-list" }, current.failures.map((item) => h("li", { dataset: { account: item.account_id } },
        h("a", { href: `#/accounts/${encodeURIComponent(item.account_id)}` }, nameText("accounts", item.account_id)), ": ",
        h("span", { class: "field-error" }, item.error || "no reason was given"))))
      : h("p", { class: "muted" }, "None."));
    documents.replace(current.documents.map((item, index) => ({ ...item, position: index + 1 })));
    actions.replaceChildren(cancelPanel(current, async () => {
      draw((await api(batchPath(current.id))).data);
      say(done, "The batch was cancelled.");
    }) || "");
    if (current.status !== shownStatus) {
      shownStatus = current.status;
      printing.replaceChildren(...[printPanel(current)].flat().filter(Boolean));
    }
    say(watch, UNSETTLED.includes(current.status) ? "The documents are being made. This page updates by itself." : "");
  };
  draw(batch);

  // Ask again while the batch is being worked on and the page is shown; a blip (network, 5xx, 429) is retried.
  while (UNSETTLED.includes(batch.status)) {
    await new Promise((resolve) => { setTimeout(resolve, WATCH_EVERY_MS); });
    if (!view.isConnected) return;
    try {
      const { data } = await api(batchPath(batch.id));
      if (!view.isConnected) return;
      draw(data);
      if (!UNSETTLED.includes(data.status)) say(done, `The batch is ${data.status}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status && err.status !== 429 && err.status < 500) {
        say(watch, `The progress could not be checked: ${describe(err)}`);
        return;
      }
    }
  }
}

function documentColumns() {
  const link = (cell) => {
    const row = cell.getRow().getData();
    return row.document_id ? h("a", { href: `#/documents/${encodeURIComponent(row.document_id)}` }, "Open document") : "";
  };
  return [
    { title: "#", field: "position", width: 60, minWidth: 50 },
    { title: "Account", field: "account_id", widthGrow: 2, headerSort: false, formatter: (cell) => nameText("accounts", cell.getValue()) },
    { title: "Status", field: "status", width: 120, formatter: (cell) => document.createTextNode(label(cell.getValue())) },
    { title: "Pages", field: "page_count", width: 80, minWidth: 70 },
    { title: "Document", field: "document_id", width: 150, headerSort: false, tooltip: false, formatter: link },
  ];
}

/** Cancel a queued or running batch: what is still pending is not made. */
function cancelPanel(batch, onCancelled) {
  if (!UNSETTLED.includes(batch.status) || !can("batches:update")) return null;
  return h("section", { class: "panel", "aria-labelledby": "batch-cancel-title" },
    h("h2", { id: "batch-cancel-title" }, "Cancel batch"),
    h("p", {}, "Documents not made yet are not made; one being made finishes."),
    confirmButton({ label: "Cancel batch", question: "Cancel this batch?", danger: true, action: async () => {
      await api(`${batchPath(batch.id)}/cancel`, { method: "POST" });
      await onCancelled();
    } }));
}

/**
 * Print files (GET/POST /batches/{id}/print-files: PDFs in exports, each with a short-lived download link)
 * and release (POST /batches/{id}/release). Both are for a completed batch.
 */
function printPanel(batch) {
  const section = (...children) => h("section", { class: "panel", id: "batch-print", "aria-labelledby": "batch-print-title" },
    h("h2", { id: "batch-print-title" }, "Print files"), ...children);
  if (batch.status !== "completed") {
    return section(h("p", { class: "muted" }, UNSETTLED.includes(batch.status)
      ? "Print files can be made once the batch is completed." : `The batch is ${batch.status}: it has no print files.`));
  }
  const errors = message("error");
  const list = h("ul", { class: "print-files", id: "batch-print-files", "aria-label": "Print files" });
  const showFiles = (files) => list.replaceChildren(...(files.length ? files.map((file) => h("li", {},
    h("a", { href: file.download_url, download: file.name }, file.name), " ",
    h("span", { class: "muted" }, [`${file.documents} ${file.documents === 1 ? "document" : "documents"}`,
      `${file.pages} ${file.pages === 1 ? "page" : "pages"}`, bytes(file.size_bytes), file.cover_sheets ? "with cover sheets" : null]
      .filter(Boolean).join(", ")))) : [h("li", { class: "muted" }, "None made yet.")]));
  api(`${batchPath(batch.id)}/print-files`).then(({ data }) => showFiles(data.files))
    .catch((err) => say(errors, `The print files could not be listed: ${describe(err)}`));
  let options = null;
  if (can("batches:update")) {
    const status = message();
    options = form({
      label: "Make print files",
      fields: [
        checkbox({ label: "Cover sheets", name: "cover_sheets", value: "yes", hint: "(an address page before each document, for window envelopes)" }),
        field({ label: "Pages per file, at most", name: "max_pages", type: "number", min: "1", max: "100000", inputmode: "numeric",
          hint: "Leave empty for one file; a document is never split." }),
      ],
      submit: "Make print files",
      onSubmit: async (values) => {
        say(status, "Making the print files…");
        const body = { cover_sheets: values.cover_sheets.length > 0, max_pages: values.max_pages ? Number(values.max_pages) : null };
        try {
          const { data } = await api(`${batchPath(batch.id)}/print-files`, { method: "POST", body });
          showFiles(data.files);
          say(status, `${data.files.length} print ${data.files.length === 1 ? "file" : "files"}.`);
        } catch (err) {
          say(status, "");
          throw explain(err, { entity: "batch" });
        }
      },
      extra: [status],
    });
  }
  return [section(errors, list, options), releasePanel(batch)];
}

/** Release a completed batch, once: the candidates that got a document move to sent. */
function releasePanel(batch) {
  if (!can("batches:release")) return null;
  const outcome = h("p", { role: "status", id: "batch-released", class: "form-status" });
  return h("section", { class: "panel", "aria-labelledby": "batch-release-title" },
    h("h2", { id: "batch-release-title" }, "Release"),
    h("p", {}, "Release the batch once its documents are printed and sent: the contract's candidates that got a document move to sent. A batch is released once."),
    confirmButton({ label: "Release batch", question: "Release this batch?", action: async () => {
      const { data } = await api(`${batchPath(batch.id)}/release`, { method: "POST" });
      say(outcome, `Released ${when(data.released_at)}: ${data.candidates_sent} ${data.candidates_sent === 1 ? "candidate" : "candidates"} moved to sent.`);
    } }),
    outcome);
}
