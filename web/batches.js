// What the batch pages share: the statuses the API knows, a batch's path and link, its progress as a bar,
// and the names of the records a batch points at (the batch API answers with ids; names are asked once each).
import { api } from "./api.js";
import { recordPath } from "./records.js";
import { h } from "./ui.js";

export const BATCH_STATUSES = ["queued", "running", "completed", "failed", "cancelled"];
/** A batch in these is still being worked on: its page keeps asking. */
export const UNSETTLED = ["queued", "running"];

export const batchPath = (id) => recordPath("batches", id);
export const batchHref = (id) => `#/batches/${encodeURIComponent(id)}`;

const names = new Map(); // "accounts/<id>" → Promise of its name (one request per record and page load)

/** A record's name (with its number, when it has one); its id when it cannot be read (deleted, not allowed). */
export function nameOf(resource, id) {
  if (!id) return Promise.resolve("");
  const key = `${resource}/${id}`;
  if (!names.has(key)) {
    names.set(key, api(recordPath(resource, id))
      .then(({ data }) => (data.number ? `${data.name} (${data.number})` : data.name))
      .catch(() => id));
  }
  return names.get(key);
}

/** A span showing `resource` `id`'s name once it is known (a table cell, a fact). */
export function nameText(resource, id) {
  const span = h("span", { dataset: { id } }, "…");
  nameOf(resource, id).then((name) => { span.textContent = name; });
  return span;
}

/** "12 of 40 made, 1 failed" and a progress bar of the settled share (made, failed or cancelled). */
export function progressBar(batch, { id } = {}) {
  const progress = batch.progress || { total: batch.total, done: batch.done + batch.failed, generated: batch.done, failed: batch.failed };
  const { total, done, generated, failed } = progress;
  const words = `${generated} of ${total} made${failed ? `, ${failed} failed` : ""}`;
  return h("div", { class: "batch-progress", id },
    h("progress", { max: String(Math.max(total, 1)), value: String(done), "aria-label": `Batch progress: ${words}` }),
    h("span", { class: "batch-progress-text" }, words));
}
