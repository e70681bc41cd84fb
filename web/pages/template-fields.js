// The field-mapping editor: the latest version's pages drawn with pdf.js, its fields as boxes over them.
// Drag on a page to draw a field; drag a box to move it, or a corner to resize it; with a box focused,
// arrow keys move it and Alt+arrow keys resize it. The side panel sets a field's name, type, page,
// whether it is required, and the data it is filled from. "Detect fields" has the server find fields on
// the pages and store them. Changes are kept here until saved (POST, or PATCH with the field's If-Match).
import { ApiError, api } from "../api.js";
import { can } from "../auth.js";
import { bigEnough, centred, moved, resized, spanned, toBox, toPoint } from "../field-geometry.js";
import { bindingText, fieldSettings } from "../field-settings.js";
import { explain, label, loadFailed, loadRecord, saveRecord } from "../records.js";
import { previewPanel } from "../template-preview.js";
import { templateHref, templatePath, untilSettled, versionPdf } from "../templates.js";
import { confirmButton, describe, h, heading, message, say, show } from "../ui.js";

const PAGE_WIDTH = 760; // CSS pixels a page is drawn at (narrower screens shrink it)
const STEP = 1; // points an arrow key moves a field; with Shift, BIG_STEP
const BIG_STEP = 10;
const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
const CORNERS = ["nw", "ne", "sw", "se"];
const SHAPE = ["name", "type", "page", "x0", "y0", "x1", "y1", "required", "binding"];

const pick = (source) => Object.fromEntries(SHAPE.map((name) => [name, source[name] ?? null]));

export async function render(view, params) {
  const back = { href: templateHref(params.id), label: "Back to the template" };
  let template;
  let catalogue;
  try {
    ({ data: template } = await loadRecord(templatePath(params.id)));
    ({ data: catalogue } = await api("/templates/bindings"));
  } catch (err) {
    loadFailed(view, "Template fields", err, back);
    return;
  }
  const title = `Fields of ${template.name}`;
  if (template.status !== "indexed") {
    const note = template.status === "pending"
      ? "The template is being indexed; its fields can be edited once its pages are read. This page opens the editor by itself."
      : `The template's latest version could not be indexed (${template.error || "no reason was given"}), so it has no fields to edit.`;
    show(view, heading(title, h("a", { href: back.href }, back.label)), h("p", { role: "status", id: "fields-waiting" }, note));
    if (template.status === "pending") {
      const settled = await untilSettled(template.id, { alive: () => view.isConnected });
      if (settled) await render(view, params);
    }
    return;
  }
  const editor = fieldEditor(template, catalogue, { editable: can("templates:update") && !template.retired, reload: () => render(view, params) });
  show(view, heading(title, h("a", { href: back.href }, back.label)), editor.element, previewPanel(template));
  await editor.drawPages();
}

/** The editor for the template's latest (indexed) version. Returns {element, drawPages()}. */
function fieldEditor(template, catalogue, { editable, reload }) {
  const base = templatePath(template.id);
  const version = template.version;
  const pages = new Map(template.pages.map((page) => [page.number, page]));
  const items = []; // {key, saved (the field as the API has it, or null), draft, etag, element}
  let selected = null;
  let nextKey = 0;

  const errors = message("error");
  const status = message();
  const announce = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const list = h("ul", { class: "field-list", id: "field-list", "aria-label": "Fields" });
  const side = h("section", { class: "panel field-form", id: "field-form", "aria-labelledby": "field-form-title" });
  const canvasArea = h("div", { class: "field-pages", id: "field-pages" });
  const pagesNote = h("p", { class: "muted", role: "status" }, "Loading the pages…");
  const saveAll = h("button", { type: "button", id: "save-fields", disabled: true, onclick: () => saveEverything() }, "Save all changes");
  const stages = new Map(); // page number → its stage element

  const dirty = (item) => !item.saved || SHAPE.some((name) => item.draft[name] !== item.saved[name]);
  const changed = () => {
    const count = items.filter(dirty).length;
    saveAll.disabled = count === 0;
    say(status, count ? `${count} ${count === 1 ? "field has" : "fields have"} changes not saved.` : "");
  };
  const describeItem = (item) => `${item.draft.name || "New field"}, ${label(item.draft.type)}, page ${item.draft.page}${dirty(item) ? ", not saved" : ""}`;
  const position = (rect) => `Left ${rect.x0}, bottom ${rect.y0}; ${Math.round((rect.x1 - rect.x0) * 10) / 10} × ${Math.round((rect.y1 - rect.y0) * 10) / 10} points`;

  // -- the boxes over the pages ----------------------------------------------------------------------

  const place = (item) => {
    const stage = stages.get(item.draft.page);
    if (!stage) return;
    const box = toBox(item.draft, pages.get(item.draft.page));
    Object.assign(item.element.style, {
      left: `${box.left * 100}%`, top: `${box.top * 100}%`, width: `${box.width * 100}%`, height: `${box.height * 100}%`,
    });
    if (item.element.parentElement !== stage) stage.append(item.element);
  };
  const refresh = (item) => {
    item.element.querySelector(".field-box-name").textContent = item.draft.name || "New field";
    item.element.setAttribute("aria-label", describeItem(item));
    item.element.classList.toggle("unsaved", dirty(item));
    item.element.classList.toggle("detected", item.source === "detected");
    place(item);
    drawList();
    if (selected === item) side.querySelector(".field-position")?.replaceChildren(position(item.draft));
    changed();
  };
  const setRect = (item, rect) => {
    item.draft = { ...item.draft, ...rect };
    refresh(item);
  };
  const boxFor = (item) => {
    const element = h("button", {
      type: "button", class: "field-box", dataset: { key: item.key }, "aria-describedby": "field-keys", "aria-pressed": "false",
      onclick: () => select(item),
      onkeydown: (event) => nudge(event, item),
    }, h("span", { class: "field-box-name" }), editable ? CORNERS.map((edges) => h("span", { class: `handle handle-${edges}`, dataset: { edges }, "aria-hidden": "true" })) : null);
    return element;
  };
  const add = (field, { saved = null, etag = null, source = "manual" } = {}) => {
    const item = { key: `f${++nextKey}`, saved: saved && pick(saved), draft: pick(field), etag, source, confidence: field.confidence, id: saved?.id };
    item.element = boxFor(item);
    items.push(item);
    refresh(item);
    return item;
  };
  const remove = (item) => {
    items.splice(items.indexOf(item), 1);
    item.element.remove();
    if (selected === item) select(null);
    drawList();
    changed();
  };

  /** Arrow keys move the focused field by a point (Shift: ten); Alt+arrows move its bottom right corner. */
  const nudge = (event, item) => {
    const direction = KEYS[event.key];
    if (!direction || !editable || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const step = event.shiftKey ? BIG_STEP : STEP;
    const [dx, dy] = direction.map((unit) => unit * step);
    const page = pages.get(item.draft.page);
    setRect(item, event.altKey ? resized(item.draft, "se", dx, dy, page) : moved(item.draft, dx, dy, page));
    if (selected !== item) select(item, { focus: false });
    say(announce, position(item.draft));
  };

  /** Pointer drags on a page: on a box, move it (or resize it by a corner); elsewhere, draw a new field. */
  const stageFor = (number, canvas) => {
    const page = pages.get(number);
    const stage = h("div", { class: `field-stage${editable ? " editable" : ""}`, dataset: { page: number } });
    stage.addEventListener("pointerdown", (event) => {
      if (!editable || event.button !== 0) return;
      // Measured once: the field follows the pointer's travel even if something above moves the page meanwhile.
      const bounds = stage.getBoundingClientRect();
      const pointIn = (at) => toPoint(at.clientX - bounds.left, at.clientY - bounds.top, page, bounds);
      const start = pointIn(event);
      const target = event.target.closest(".field-box");
      let update;
      let drawn = null;
      if (target) {
        const item = items.find((candidate) => candidate.key === target.dataset.key);
        const handle = event.target.closest(".handle");
        const from = { ...item.draft };
        if (selected !== item) select(item);
        item.element.focus({ preventScroll: true }); // so the arrow keys can go on from here
        update = (point) => {
          const [dx, dy] = [point.x - start.x, point.y - start.y];
          setRect(item, handle ? resized(from, handle.dataset.edges, dx, dy, page) : moved(from, dx, dy, page));
        };
      } else {
        update = (point) => {
          const rect = spanned(start, point, page);
          if (drawn) setRect(drawn, rect);
          else if (bigEnough(rect)) drawn = add({ name: "", type: "text", page: number, required: false, binding: null, ...rect });
        };
      }
      event.preventDefault();
      stage.setPointerCapture(event.pointerId);
      const follow = (move) => update(pointIn(move));
      const stop = (end) => {
        if (end.type === "pointerup") update(pointIn(end));
        stage.removeEventListener("pointermove", follow);
        stage.removeEventListener("pointerup", stop);
        stage.removeEventListener("pointercancel", stop);
        if (drawn) select(drawn, { focusForm: true });
      };
      stage.addEventListener("pointermove", follow);
      stage.addEventListener("pointerup", stop);
      stage.addEventListener("pointercancel", stop);
    });
    canvas.replaceWith(stage);
    stage.append(canvas);
    stages.set(number, stage);
    return stage;
  };

  // -- the list and the selected field's form --------------------------------------------------------

  const drawList = () => {
    list.replaceChildren(...items.map((item) => h("li", { class: selected === item ? "selected" : null },
      h("button", { type: "button", class: "link", "aria-pressed": String(selected === item), onclick: () => select(item, { focus: true }) },
        item.draft.name || "New field"),
      h("span", { class: "muted" }, ` ${label(item.draft.type)}, page ${item.draft.page}`,
        item.draft.binding ? `, ${bindingText(item.draft.binding, catalogue)}` : "",
        item.source === "detected" && item.confidence != null ? `, detected (${Math.round(item.confidence * 100)}%)` : ""),
      dirty(item) ? h("span", { class: "badge status-draft" }, "Not saved") : null)));
    if (!items.length) list.replaceChildren(h("li", { class: "muted" }, "No fields yet."));
  };

  const select = (item, { focus = false, focusForm = false } = {}) => {
    selected = item;
    for (const other of items) {
      other.element.classList.toggle("selected", other === item);
      other.element.setAttribute("aria-pressed", String(other === item));
    }
    drawList();
    drawForm();
    if (item && focus) {
      item.element.scrollIntoView({ block: "nearest" });
      item.element.focus({ preventScroll: true });
    }
    if (item && focusForm) side.querySelector("[name=name]")?.focus();
  };

  const drawForm = () => {
    const item = selected;
    if (!item) {
      side.replaceChildren(h("h2", { id: "field-form-title" }, "Field"),
        h("p", { class: "muted" }, editable ? "Choose a field, or draw one on a page." : "Choose a field to see its settings."));
      return;
    }
    side.replaceChildren(...fieldSettings({
      item, catalogue, editable, pages: [...pages.keys()], position: position(item.draft), remove: removeButton(item), reload,
      onChange: (changes) => {
        if (changes.page !== item.draft.page) Object.assign(changes, moved(item.draft, 0, 0, pages.get(changes.page))); // whole on its new page
        item.draft = { ...item.draft, ...changes };
        refresh(item);
      },
      onSave: async () => {
        await saveItem(item);
        select(item, { focus: true });
        say(status, `${item.draft.name} saved.`);
      },
    }));
  };

  const removeButton = (item) => {
    if (!editable) return null;
    if (!item.saved) {
      return h("button", { type: "button", class: "secondary", onclick: () => { remove(item); say(status, "The new field was discarded."); } }, "Discard");
    }
    return confirmButton({
      label: "Delete field",
      question: `Delete ${item.saved.name}?`,
      danger: true,
      action: async () => {
        try {
          await saveRecord(`${base}/fields/${encodeURIComponent(item.id)}`, { method: "DELETE", etag: item.etag });
        } catch (err) {
          throw explain(err, { entity: "field" });
        }
        remove(item);
        say(status, `${item.saved.name} deleted.`);
      },
    });
  };

  // -- saving ------------------------------------------------------------------------------------------

  /** Send the field's changes: POST for a new one, PATCH (If-Match) with what changed for a saved one. */
  const saveItem = async (item) => {
    let answer;
    if (item.saved) {
      const body = Object.fromEntries(SHAPE.filter((name) => item.draft[name] !== item.saved[name]).map((name) => [name, item.draft[name]]));
      if (!Object.keys(body).length) return;
      answer = await saveRecord(`${base}/fields/${encodeURIComponent(item.id)}`, { body, etag: item.etag });
    } else {
      answer = await saveRecord(`${base}/fields?version=${version}`, { method: "POST", body: item.draft });
    }
    item.saved = pick(answer.data);
    item.draft = pick(answer.data);
    item.id = answer.data.id;
    item.etag = answer.etag || `"${answer.data.revision}"`;
    item.source = answer.data.source;
    item.confidence = answer.data.confidence;
    refresh(item);
  };

  /** Save every changed field in turn; the first refusal stops, with that field chosen and the reason shown. */
  const saveEverything = async () => {
    say(errors, "");
    saveAll.disabled = true;
    let count = 0;
    for (const item of items.filter(dirty)) {
      try {
        if (!item.draft.name) throw new ApiError(400, "invalid", "Give the field a name first.");
        await saveItem(item);
        count += 1;
      } catch (err) {
        select(item, { focus: true });
        say(errors, `${item.draft.name || "A new field"} was not saved: ${describe(explain(err, { entity: "field", unique: ["name"] }))}`);
        changed();
        return;
      }
    }
    drawForm();
    say(status, `${count} ${count === 1 ? "field" : "fields"} saved.`);
  };

  // -- detection ---------------------------------------------------------------------------------------

  /** Detection stores its proposals as fields (source `detected`, with a confidence), except where the
   * version already has one; they are then checked here like any field: moved, resized, or deleted. */
  const detect = h("button", { type: "button", class: "secondary", id: "detect-fields", onclick: async () => {
    detect.disabled = true;
    say(errors, "");
    say(status, "Looking for fields…");
    try {
      const { data } = await api(`${base}/detect-fields?version=${version}&apply=true`, { method: "POST" });
      const added = data.applied.map((saved) => add(saved, { saved, etag: `"${saved.revision}"`, source: saved.source }));
      const left = data.skipped.length ? ` ${data.skipped.length} left out where a field already is.` : "";
      say(status, added.length
        ? `${added.length} ${added.length === 1 ? "field" : "fields"} detected and added.${left} Check them: move, resize or delete any that are wrong.`
        : `No new fields were found.${left}`);
      if (added.length) select(added[0], { focus: true });
    } catch (err) {
      say(status, "");
      say(errors, `Fields could not be detected: ${describe(err)}`);
    } finally {
      detect.disabled = false;
    }
  } }, "Detect fields");

  const addField = h("button", { type: "button", class: "secondary", id: "add-field", onclick: () => {
    const number = selected?.draft.page || 1;
    const item = add({ name: "", type: "text", page: number, required: false, binding: null, ...centred(pages.get(number)) });
    select(item, { focusForm: true });
  } }, "New field");

  for (const saved of template.fields) add(saved, { saved, etag: `"${saved.revision}"`, source: saved.source });

  const element = h("div", { class: "field-editor-wrap" },
    editable ? h("div", { class: "field-toolbar" }, addField, detect, saveAll) : null,
    h("div", { class: "field-status" }, status), errors, announce,
    h("p", { class: "hint", id: "field-keys" }, editable
      ? "Drag on a page to draw a field; drag a field to move it, or a corner to resize it. With a field focused, arrow keys move it (Shift: 10 points) and Alt+arrow keys resize it."
      : "Fields are shown; your roles do not allow changing them."),
    h("div", { class: "field-editor" },
      h("section", { class: "panel", "aria-label": "Pages" }, pagesNote, canvasArea),
      h("div", { class: "field-side" },
        h("section", { class: "panel", "aria-labelledby": "field-list-title" }, h("h2", { id: "field-list-title" }, "Fields"), list),
        side)));
  drawList();
  drawForm();
  changed();

  return {
    element,
    /** Draw the pages with pdf.js, then put each page's fields over it. */
    drawPages: async () => {
      try {
        const { renderPdf } = await import("../pdf-preview.js");
        const { pages: count } = await renderPdf(canvasArea, await versionPdf(template.id, version), { maxPages: pages.size, width: PAGE_WIDTH });
        canvasArea.querySelectorAll("canvas").forEach((canvas, index) => stageFor(index + 1, canvas));
        for (const item of items) place(item);
        pagesNote.textContent = `${count} ${count === 1 ? "page" : "pages"}.`;
        canvasArea.dataset.rendered = "true";
      } catch (err) {
        pagesNote.textContent = `The pages could not be shown: ${err.message || err}`;
        pagesNote.classList.add("form-error");
      }
    },
  };
}
