// One bundle: its details and its documents in order. Documents are added, moved and removed here,
// then the whole order is saved at once.
import { api } from "../api.js";
import { can } from "../auth.js";
import { recordPicker } from "../pickers.js";
import { deletePanel, explain, facts, label, loadFailed, loadRecord, recordPath, saveRecord } from "../records.js";
import { describe, h, heading, message, say, show, when } from "../ui.js";

const BACK = { href: "#/bundles", label: "Back to bundles" };
const title = (doc) => doc.title || doc.file_name || doc.id;

export async function render(view, params) {
  let bundle;
  let etag;
  let documents;
  try {
    ({ data: bundle, etag } = await loadRecord(recordPath("bundles", params.id)));
    documents = (await api(`${recordPath("bundles", bundle.id)}/documents`)).data.documents;
  } catch (err) {
    loadFailed(view, "Bundle", err, BACK);
    return;
  }
  const editable = can("documents:update");
  show(view,
    heading(bundle.name,
      editable ? h("a", { href: `#/bundles/${encodeURIComponent(bundle.id)}/edit`, class: "button secondary" }, "Edit details") : null,
      h("a", { href: BACK.href }, BACK.label)),
    h("section", { class: "panel", "aria-label": "Bundle details" }, facts([
      ["Status", label(bundle.status)],
      ["Description", bundle.description],
      ["Created", when(bundle.created_at)],
    ])),
    documentsPanel(bundle, etag, documents, editable),
    deletePanel({ resource: "bundles", guard: "documents", entity: "bundle", record: bundle, etag, onDone: () => { location.hash = BACK.href; } }));
}

/** The documents in order; saving sends the whole order with the bundle's ETag (a stale one is refused). */
function documentsPanel(bundle, etag, initial, editable) {
  let order = [...initial];
  let version = etag;
  const list = h("ol", { class: "bundle-documents", id: "bundle-documents" });
  const status = message();
  const errors = message("error");
  const save = h("button", { type: "button", id: "save-order", disabled: true }, "Save order");
  const changed = () => {
    save.disabled = false;
    say(status, "Not saved yet.");
  };
  const move = (index, step) => {
    const [doc] = order.splice(index, 1);
    order.splice(index + step, 0, doc);
    draw();
    changed();
    list.querySelectorAll("li")[index + step]?.querySelector(step < 0 ? ".move-up" : ".move-down")?.focus();
  };
  const draw = () => {
    list.replaceChildren(...order.map((doc, index) => h("li", { dataset: { document: doc.id } },
      h("a", { href: `#/documents/${encodeURIComponent(doc.id)}` }, title(doc)),
      doc.page_count ? h("span", { class: "muted" }, ` ${doc.page_count} ${doc.page_count === 1 ? "page" : "pages"}`) : null,
      editable ? h("span", { class: "row-actions" },
        h("button", { type: "button", class: "secondary small move-up", disabled: index === 0, "aria-label": `Move ${title(doc)} up`,
          onclick: () => move(index, -1) }, "↑"),
        h("button", { type: "button", class: "secondary small move-down", disabled: index === order.length - 1,
          "aria-label": `Move ${title(doc)} down`, onclick: () => move(index, 1) }, "↓"),
        h("button", { type: "button", class: "secondary small", "aria-label": `Remove ${title(doc)} from the bundle`, onclick: () => {
          order.splice(index, 1);
          draw();
          changed();
        } }, "Remove")) : null)));
    if (!order.length) list.replaceChildren(h("li", { class: "muted empty" }, "No documents yet."));
  };
  draw();
  if (!editable) return h("section", { class: "panel", "aria-labelledby": "bundle-docs" }, h("h2", { id: "bundle-docs" }, "Documents"), list);

  const picker = recordPicker({ label: "Add a document", name: "document_id", resource: "documents", text: title, none: "Choose a document" });
  const add = h("button", { type: "button", class: "secondary", onclick: async () => {
    const select = picker.querySelector("select");
    if (!select.value || order.some((doc) => doc.id === select.value)) return;
    try {
      order.push((await api(recordPath("documents", select.value))).data);
      draw();
      changed();
    } catch (err) {
      say(errors, describe(err));
    }
  } }, "Add");
  save.addEventListener("click", async () => {
    save.disabled = true;
    say(errors, "");
    try {
      const { data } = (await saveRecord(`${recordPath("bundles", bundle.id)}/documents`, {
        method: "PUT", body: { document_ids: order.map((doc) => doc.id) }, etag: version,
      }));
      order = data.documents;
      version = `"${data.version}"`;
      draw();
      say(status, "Order saved.");
    } catch (err) {
      save.disabled = false;
      say(status, "");
      say(errors, describe(explain(err, { entity: "bundle" })));
    }
  });
  return h("section", { class: "panel", "aria-labelledby": "bundle-docs" },
    h("h2", { id: "bundle-docs" }, "Documents"), errors, list,
    h("div", { class: "add-document" }, picker, add),
    h("div", { class: "actions" }, save, status));
}
