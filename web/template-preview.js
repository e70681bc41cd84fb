// A template filled with data, as generation would fill it: sample values, or a chosen account's and
// contract's. The server renders it: its pages are shown here as PNG images (POST
// /templates/{id}/preview/image, page by page) and the PDF (POST /templates/{id}/preview) is offered as a
// download. Shown on the template's page and in the field editor.
import { ApiError, download } from "./api.js";
import { nameAndNumber, recordPicker } from "./pickers.js";
import { describe, formValues, h, message, saveBlob, say } from "./ui.js";
import { templatePath } from "./templates.js";

/** The preview panel of an indexed template (null for any other). */
export function previewPanel(template) {
  if (template.status !== "indexed") return null;
  const note = message();
  const errors = message("error");
  const images = h("div", { class: "preview-pages", id: "template-preview-pages" });
  const choice = h("form", { class: "form-grid", "aria-label": "Preview data", novalidate: true, onsubmit: (event) => event.preventDefault() },
    recordPicker({ label: "Account", name: "account_id", resource: "accounts", text: nameAndNumber, none: "Sample data",
      hint: "Leave on sample data to see made-up values." }),
    recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber, none: "Sample data" }));
  const run = async (button, work) => {
    button.disabled = true;
    say(errors, "");
    try {
      await work(Object.fromEntries(Object.entries(formValues(choice)).filter(([, value]) => value !== "")));
    } catch (err) {
      say(note, "");
      say(errors, `The preview could not be made: ${err instanceof ApiError ? describe(err) : err.message || err}`);
      if (!(err instanceof ApiError)) console.error(err);
    } finally {
      button.disabled = false;
    }
  };
  const draw = previewPages(images);
  const showPages = h("button", { type: "button", id: "preview-template", onclick: () => run(showPages, async (data) => {
    say(note, "Rendering the preview…");
    const pages = await draw(template, data, data.account_id ? "the chosen account's data" : "sample data");
    say(note, `${pages} ${pages === 1 ? "page" : "pages"} filled with ${data.account_id ? "the chosen account's data" : "sample data"}.`);
  }) }, "Show preview");
  const pdf = h("button", { type: "button", class: "secondary", id: "preview-pdf", onclick: () => run(pdf, async (data) => {
    const { blob, filename } = await download(`${templatePath(template.id)}/preview`, { method: "POST", body: { ...data, version: template.version } });
    saveBlob(blob, filename || `${template.name} preview.pdf`);
  }) }, "Download PDF");
  return h("section", { class: "panel", id: "template-preview", "aria-labelledby": "template-preview-title" },
    h("h2", { id: "template-preview-title" }, "Preview"),
    h("p", { class: "muted" }, "The latest version filled the way generated documents will be."),
    choice, h("div", { class: "actions" }, showPages, pdf), errors, note, images);
}

/**
 * A function that draws `template`'s pages filled with `data` ({account_id, contract_id}, empty for sample
 * data) into `images`, asked page by page; it resolves to the number of pages. `filledWith` ends the alt text.
 */
export function previewPages(images) {
  let shownUrls = []; // object URLs of the images on show, freed when the next preview replaces them
  return async (template, data, filledWith) => {
    const pages = template.pages.length || 1;
    const blobs = [];
    for (let number = 1; number <= pages; number += 1) {
      blobs.push(await download(`${templatePath(template.id)}/preview/image`, { method: "POST", body: { ...data, version: template.version, page: number } }));
    }
    for (const url of shownUrls) URL.revokeObjectURL(url);
    shownUrls = blobs.map((blob) => URL.createObjectURL(blob.blob));
    images.replaceChildren(...shownUrls.map((url, index) => h("figure", { class: "pdf-figure" },
      h("img", { src: url, alt: `Page ${index + 1} of ${pages}, filled with ${filledWith}` }),
      h("figcaption", { class: "muted" }, `Page ${index + 1}`))));
    images.dataset.rendered = "true";
    return pages;
  };
}
