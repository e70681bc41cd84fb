// One template: how its indexing went (watched live while it is pending), its pages, its details (saved
// with If-Match), its versions (a new one uploaded here), a preview filled with data, and retire/restore.
import { ApiError, api, download } from "../api.js";
import { can } from "../auth.js";
import { bytes } from "../listing.js";
import { recordPicker } from "../pickers.js";
import { explain, facts, loadFailed, loadRecord, recordField, recordForm, saveRecord } from "../records.js";
import { confirmButton, describe, h, heading, message, saveBlob, say, show, when } from "../ui.js";
import { dropZone, postFile, uploadRow } from "../uploads.js";
import { categoryText, statusBadge, templateHref, templatePath, untilSettled, versionPdf } from "../templates.js";
import { previewPanel } from "../template-preview.js";

const BACK = { href: "#/templates", label: "Back to templates" };
const THUMBNAILS = 20; // pages drawn at most
const THUMBNAIL_WIDTH = 150; // CSS pixels

export async function render(view, params) {
  let loaded;
  try {
    loaded = await loadRecord(templatePath(params.id));
  } catch (err) {
    loadFailed(view, "Template", err, BACK);
    return;
  }
  let drawn = 0; // which drawing is current: an older one's watcher stops
  let editor = null; // the details form, kept across a redraw while it holds unsaved typing
  /** Read the template again and draw it, saying `done` (what just happened) at the top. */
  const reload = async (done = "") => {
    editor = null;
    try {
      draw(await loadRecord(templatePath(params.id)), done);
    } catch (err) {
      loadFailed(view, "Template", err, BACK);
    }
  };
  const draw = ({ data: template, etag }, done = "") => {
    const ticket = ++drawn;
    if (!editor?.dataset.changed) editor = detailsForm(template, etag, reload);
    const pages = h("section", { class: "panel template-pages", id: "template-pages", "aria-labelledby": "template-pages-title" },
      h("h2", { id: "template-pages-title" }, "Pages"));
    const editable = can("templates:update") && !template.retired;
    const fieldsLink = template.status === "indexed"
      ? h("a", { href: `${templateHref(template.id)}/fields`, class: "button", id: "edit-fields" }, editable ? "Edit fields" : "View fields") : null;
    show(view,
      heading(template.name, template.retired ? h("span", { class: "badge status-retired" }, "Retired") : null, fieldsLink,
        h("a", { href: BACK.href }, BACK.label)),
      h("p", { role: "status", id: "template-done", class: "form-status" }, done),
      h("div", { class: "document-layout" },
        h("div", {}, pages, versionsPanel(template, reload), previewPanel(template)),
        h("div", { class: "document-side" }, statusPanel(template), editor, retirePanel(template, etag, reload))));
    drawPages(pages, template);
    if (template.status === "pending") {
      const watch = view.querySelector("#template-watch");
      untilSettled(template.id, { alive: () => ticket === drawn && view.isConnected })
        .then((settled) => settled && draw(settled, `Indexing ended: the template is ${settled.data.status}.`))
        .catch((err) => say(watch, `The status could not be checked: ${describe(err)}`));
    }
  };
  draw(loaded);
}

function statusPanel(template) {
  const watching = template.status === "pending"
    ? "Indexing: the pages are being read. This page updates by itself." : "";
  return h("section", { class: "panel", "aria-labelledby": "template-status-title" },
    h("h2", { id: "template-status-title" }, "Status"),
    h("p", { id: "template-watch", role: "status", class: "muted" }, watching),
    template.status === "failed"
      ? h("p", { class: "form-error", id: "template-error" }, `Indexing failed: ${template.error || "no reason was given"}. Upload a corrected file as a new version.`)
      : null,
    facts([
      ["Status", statusBadge(template.status)],
      ["Version", String(template.version)],
      ["File", template.file_name],
      ["Pages", template.page_count ?? ""],
      ["Size", bytes(template.size_bytes)],
      ["Fields", template.status === "indexed" ? String(template.fields.length) : ""],
      ["Indexed", when(template.indexed_at)],
      ["SHA-256", h("code", { class: "hash" }, template.sha256 || "")],
    ]));
}

/** Name, category, contract category and description: a form for those who may change them, else facts. */
function detailsForm(template, etag, reload) {
  if (!can("templates:update") || template.retired) {
    return h("section", { class: "panel", "aria-label": "Details" }, facts([
      ["Category", template.category], ["Description", template.description], ["Created", when(template.created_at)],
    ]));
  }
  const fields = [
    recordField(template, { label: "Name", name: "name", required: true, maxlength: "200" }),
    recordField(template, { label: "Category", name: "category", maxlength: "100" }),
    recordPicker({ label: "Contract category", name: "contract_category_id", resource: "contract-categories", text: categoryText,
      value: template.contract_category_id || "" }),
    recordField(template, { label: "Description", name: "description", type: "textarea", maxlength: "2000" }),
  ];
  const editor = recordForm({ resource: "templates", entity: "template", unique: ["name"], record: template, etag, fields,
    onSaved: () => reload("The details were saved."), onReload: () => reload(), submit: "Save details" });
  editor.addEventListener("input", () => { editor.dataset.changed = "true"; });
  return h("section", { class: "panel", "aria-labelledby": "template-details" }, h("h2", { id: "template-details" }, "Details"), editor);
}

/** The latest version's pages, drawn small with pdf.js from its PDF (once indexing has read them). */
async function drawPages(section, template) {
  const note = h("p", { class: "muted", role: "status" });
  const pages = h("div", { class: "pdf-pages" });
  section.append(note, pages);
  if (template.status !== "indexed") {
    note.textContent = template.status === "pending" ? "The pages are shown once the template is indexed." : "There are no pages to show.";
    return;
  }
  note.textContent = "Loading the pages…";
  try {
    const { renderPdf } = await import("../pdf-preview.js");
    const { pages: count, shown } = await renderPdf(pages, await versionPdf(template.id, template.version),
      { maxPages: THUMBNAILS, width: THUMBNAIL_WIDTH });
    note.textContent = shown < count ? `The first ${shown} of ${count} pages.` : `${count} ${count === 1 ? "page" : "pages"}.`;
    section.dataset.rendered = "true";
  } catch (err) {
    note.textContent = `The pages could not be shown: ${err.message || err}`;
    note.classList.add("form-error");
  }
}

/** Every version, newest first, each with its PDF; and, for those who may, a new version's upload. */
function versionsPanel(template, reload) {
  const errors = message("error");
  const body = h("tbody");
  const table = h("table", { class: "grid versions", id: "template-versions" },
    h("caption", { class: "visually-hidden" }, "Versions, newest first"),
    h("thead", {}, h("tr", {}, ["Version", "File", "Status", "Uploaded", ""].map((title) => h("th", { scope: "col" }, title)))),
    body);
  api(`${templatePath(template.id)}/versions`).then(({ data }) => {
    body.replaceChildren(...data.versions.map((version) => h("tr", { dataset: { version: version.version } },
      h("td", {}, String(version.version)),
      h("td", {}, version.file_name, h("div", { class: "muted" }, [bytes(version.size_bytes),
        version.page_count ? `${version.page_count} ${version.page_count === 1 ? "page" : "pages"}` : null].filter(Boolean).join(", "))),
      h("td", {}, statusBadge(version.status), version.error ? h("div", { class: "field-error" }, version.error) : null),
      h("td", {}, when(version.created_at)),
      h("td", {}, h("button", { type: "button", class: "secondary small", "aria-label": `Download version ${version.version}`,
        onclick: async () => {
          say(errors, "");
          try {
            const { blob, filename } = await download(`${templatePath(template.id)}/versions/${version.version}/content`);
            saveBlob(blob, filename || version.file_name);
          } catch (err) {
            say(errors, `The download failed: ${describe(err)}`);
          }
        } }, "PDF")))));
  }).catch((err) => say(errors, `The versions could not be loaded: ${describe(err)}`));
  return h("section", { class: "panel", "aria-labelledby": "template-versions-title" },
    h("h2", { id: "template-versions-title" }, "Versions"), errors, table,
    can("templates:update") && !template.retired ? newVersion(template, reload) : null);
}

/** Drop (or choose) the next version's PDF and send it; the page then watches it being indexed. */
function newVersion(template, reload) {
  let file = null;
  const slot = h("ul", { class: "upload-list", id: "version-upload", "aria-label": "New version to upload" });
  const send = h("button", { type: "button", id: "upload-version", disabled: true }, "Upload version");
  const zone = dropZone({ id: "version-dropzone", inputId: "version-file", title: "Drop a new version's PDF here",
    label: "Choose a new version", multiple: false, onFiles: (files) => {
      if (!files.length) return;
      [file] = files;
      slot.replaceChildren(uploadRow(file).element);
      send.disabled = false;
    } });
  send.addEventListener("click", async () => {
    send.disabled = true;
    const row = uploadRow(file);
    slot.replaceChildren(row.element);
    try {
      await postFile(`${templatePath(template.id)}/versions`, file, { progress: row.progress });
    } catch (err) {
      row.fail(err instanceof ApiError ? describe(err) : "The upload failed.");
      if (!(err instanceof ApiError)) console.error(err);
      send.disabled = false;
      return;
    }
    await reload(`Version ${template.version + 1} was uploaded; it is being indexed.`);
  });
  return h("div", { class: "new-version" }, h("h3", {}, "Upload a new version"),
    h("p", { class: "muted" }, "The earlier versions are kept: documents already made from them still name them."),
    zone, slot, h("div", { class: "actions" }, send));
}

/** Retire (a soft delete: the template leaves lists, recognition and new generations) or restore it. */
function retirePanel(template, etag, reload) {
  if (!can("templates:delete")) return null;
  if (template.retired) {
    const problem = message("error");
    const restore = h("button", { type: "button", id: "restore-template", onclick: async () => {
      restore.disabled = true;
      say(problem, "");
      try {
        await api(`${templatePath(template.id)}/restore`, { method: "POST" });
        await reload("The template was restored.");
      } catch (err) {
        say(problem, describe(err));
        restore.disabled = false;
      }
    } }, "Restore template");
    return h("section", { class: "panel", "aria-labelledby": "template-retired" },
      h("h2", { id: "template-retired" }, "Retired"),
      h("p", {}, "This template is retired: it is left out of the list, recognition and new generations."),
      problem, restore);
  }
  return h("section", { class: "panel", "aria-labelledby": "template-retire" },
    h("h2", { id: "template-retire" }, "Retire template"),
    h("p", {}, "A retired template leaves the list, recognition and new generations; documents made from it keep it. It can be restored."),
    confirmButton({
      label: "Retire template",
      question: "Retire this template?",
      danger: true,
      action: async () => {
        try {
          await saveRecord(templatePath(template.id), { method: "DELETE", etag });
        } catch (err) {
          throw explain(err, { entity: "template" });
        }
        await reload("The template was retired.");
      },
    }));
}
