// Upload a template: drop its PDF (or choose it), name it and send it, watching the bytes go; then its
// page opens and shows the indexing as it happens.
import { ApiError } from "../api.js";
import { recordPicker } from "../pickers.js";
import { explain } from "../records.js";
import { describe, field, form, h, heading, message, say, show } from "../ui.js";
import { dropZone, postFile, uploadRow } from "../uploads.js";
import { categoryText, templateHref } from "../templates.js";

export async function render(view) {
  let file = null;
  const slot = h("ul", { class: "upload-list", id: "upload-list", "aria-label": "File to upload" });
  const note = message();
  const choose = (files) => {
    if (!files.length) return;
    [file] = files;
    say(note, files.length > 1 ? `One template at a time: ${file.name} was taken.` : "");
    slot.replaceChildren(uploadRow(file).element);
    const name = editor.querySelector("[name=name]");
    if (!name.value.trim()) name.value = file.name.replace(/\.pdf$/i, "");
  };
  const zone = dropZone({ id: "template-dropzone", inputId: "template-file", title: "Drop the template's PDF here", label: "Choose a PDF",
    multiple: false, onFiles: choose });
  const editor = form({
    label: "Upload a template",
    fields: [
      h("div", { class: "upload-file" }, zone, slot, note),
      h("div", { class: "form-grid" },
        field({ label: "Name", name: "name", required: true, maxlength: "200", hint: "Unique among the live templates." }),
        field({ label: "Category", name: "category", maxlength: "100" }),
        recordPicker({ label: "Contract category", name: "contract_category_id", resource: "contract-categories", text: categoryText }),
        field({ label: "Description", name: "description", type: "textarea", maxlength: "2000" })),
    ],
    submit: "Upload template",
    onSubmit: async (values) => {
      if (!file) throw new ApiError(400, "no_file", "Choose the template's PDF first.");
      const row = uploadRow(file);
      slot.replaceChildren(row.element);
      const fields = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ""));
      let saved;
      try {
        saved = await postFile("/templates", file, { fields, progress: row.progress });
      } catch (err) {
        row.fail(err instanceof ApiError ? describe(explain(err, { entity: "template", unique: ["name"] })) : "The upload failed.");
        throw explain(err, { entity: "template", unique: ["name"] });
      }
      row.finish(h("a", { href: templateHref(saved.id) }, `Open ${saved.name}`));
      location.hash = templateHref(saved.id);
    },
  });
  show(view, heading("Upload a template", h("a", { href: "#/templates" }, "Back to templates")),
    h("section", { class: "panel" }, editor));
  editor.querySelector("[name=name]").focus();
}
