// The audit trail: every change and sign-in, newest first, filtered on the server; CSV export.
import { download, query } from "../api.js";
import { can } from "../auth.js";
import { debounce, serverTable } from "../table.js";
import { describe, field, h, heading, message, say, saveBlob, show, when } from "../ui.js";

export async function render(view) {
  const inputs = {
    action: field({ label: "Action", name: "action", placeholder: "e.g. user.update" }),
    entity_type: field({ label: "Entity type", name: "entity_type", placeholder: "e.g. User" }),
    entity_id: field({ label: "Entity id", name: "entity_id" }),
    actor_id: field({ label: "Actor id", name: "actor_id", placeholder: "id of a user or API key" }),
    from: field({ label: "From", name: "from", type: "date" }),
    to: field({ label: "To", name: "to", type: "date" }),
  };
  const errors = message("error");
  const grid = h("div", { id: "audit-table", class: "table" });
  const exporting = message();
  const exportLink = can("audit:export")
    ? h("a", { href: "/api/v1/audit/export", class: "button secondary", id: "audit-export", download: "audit.csv" }, "Export CSV")
    : null;
  show(view,
    heading("Audit log", exportLink, exporting),
    h("form", { class: "filters", role: "search", "aria-label": "Filter the audit log", onsubmit: (event) => event.preventDefault() },
      Object.values(inputs)),
    errors,
    grid);

  const filters = () => {
    const value = (name) => inputs[name].querySelector("input").value.trim();
    return {
      action: value("action"),
      entity_type: value("entity_type"),
      entity_id: value("entity_id"),
      actor_id: value("actor_id"),
      from: value("from") && new Date(`${value("from")}T00:00:00`).toISOString(),
      to: value("to") && dayAfter(value("to")).toISOString(), // the server's `to` is exclusive
    };
  };
  const { reload } = serverTable(grid, {
    path: "/audit",
    label: "Audit log",
    errors,
    filters,
    initialSort: [{ column: "occurred_at", dir: "desc" }],
    columns: [
      { title: "When", field: "occurred_at", width: 190, formatter: (cell) => document.createTextNode(when(cell.getValue(), { seconds: true })) },
      { title: "Action", field: "action", width: 170 },
      { title: "Entity", field: "entity_type", width: 120 },
      { title: "Entity id", field: "entity_id", headerSort: false },
      { title: "Actor", field: "actor_id", headerSort: false, formatter: (cell) => document.createTextNode(actor(cell.getRow().getData())) },
      { title: "Changes", field: "changes", headerSort: false, widthGrow: 2, formatter: (cell) => document.createTextNode(cell.getValue() ? JSON.stringify(cell.getValue()) : "") },
    ],
  });
  const later = debounce(reload);
  for (const box of Object.values(inputs)) box.querySelector("input").addEventListener("input", later);

  exportLink?.addEventListener("click", async (event) => {
    // A plain link cannot carry the bearer token: fetch the file, then save it.
    event.preventDefault();
    say(exporting, "Preparing the export…");
    try {
      const { blob, filename } = await download(`/audit/export${query(filters())}`);
      saveBlob(blob, filename || "audit.csv");
      say(exporting, "Export downloaded.");
    } catch (err) {
      say(exporting, `The export failed: ${describe(err)}`);
    }
  });
}

function actor(entry) {
  if (entry.actor_type === "system") return "system";
  return entry.actor_type === "api_key" ? `API key ${entry.actor_id || ""}` : entry.actor_id || "";
}

/** Local midnight at the start of the day after `yyyy-mm-dd`. */
function dayAfter(isoDate) {
  const day = new Date(`${isoDate}T00:00:00`);
  day.setDate(day.getDate() + 1);
  return day;
}
