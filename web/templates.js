// What the templates pages share: the codes the API knows, a template's status as a badge, its indexing
// watched until it settles, and a version's PDF fetched for pdf.js.
import { ApiError, send } from "./api.js";
import { label, loadRecord, recordPath } from "./records.js";
import { h } from "./ui.js";

export const INDEX_STATUSES = ["pending", "indexed", "failed"];
export const FIELD_TYPES = ["text", "number", "date", "checkbox", "signature"];
// How often a pending template is asked about: indexing takes a few seconds.
const WATCH_EVERY_MS = 1000;

export const templatePath = (id) => recordPath("templates", id);
export const templateHref = (id) => `#/templates/${encodeURIComponent(id)}`;
/** How a contract category reads in pickers: "Name (code)". */
export const categoryText = (row) => (row.code ? `${row.name} (${row.code})` : row.name);

export function statusBadge(status) {
  return h("span", { class: `badge status-${status}`, dataset: { status } }, label(status));
}

/**
 * Ask for the template every second while it is `pending` and `alive()` (the page is still shown).
 * `onTick()` runs before each ask. Resolves to {data, etag} once its status is indexed or failed, or to
 * null when the page was left first. Errors (a network blip) are retried on the next tick.
 */
export async function untilSettled(id, { alive, onTick = () => {} }) {
  for (;;) {
    await new Promise((resolve) => { setTimeout(resolve, WATCH_EVERY_MS); });
    if (!alive()) return null;
    onTick();
    try {
      const loaded = await loadRecord(templatePath(id));
      if (loaded.data.status !== "pending") return alive() ? loaded : null;
    } catch (err) {
      if (err instanceof ApiError && err.status && err.status !== 429 && err.status < 500) throw err;
    }
  }
}

/** Version `number`'s PDF as bytes (an ArrayBuffer), fetched with the caller's token. */
export async function versionPdf(id, number) {
  const response = await send(`${templatePath(id)}/versions/${number}/content`, { headers: { Accept: "application/pdf" } });
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  return response.arrayBuffer();
}
