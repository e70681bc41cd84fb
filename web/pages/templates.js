// Templates: a server-paged table searched by name, description or category and filtered by indexing
// status and category; the status filter's "Including retired" adds the retired ones, each with Restore.
import { codeCell, listPage, rowLink, timeCell } from "../listing.js";
import { choices } from "../records.js";
import { field } from "../ui.js";
import { INDEX_STATUSES } from "../templates.js";

export const render = listPage({
  title: "Templates",
  resource: "templates",
  guard: "templates",
  id: "templates-table",
  search: "Name, description or category",
  filters: [
    { label: "Status", name: "status", options: [...choices(INDEX_STATUSES, "Any status"), ["deleted", "Retired"]] },
    () => field({ label: "Category", name: "category", type: "search", maxlength: "100", placeholder: "Exact category" }),
  ],
  create: { href: "#/templates/upload", label: "Upload template" },
  initialSort: [{ column: "name", dir: "asc" }],
  columns: [
    { title: "Name", field: "name", widthGrow: 2, formatter: rowLink((row) => `#/templates/${encodeURIComponent(row.id)}`, (row) => row.name) },
    { title: "Category", field: "category" },
    { title: "Version", field: "version", width: 100, headerSort: false },
    { title: "Status", field: "status", width: 110, formatter: codeCell },
    { title: "Updated", field: "updated_at", minWidth: 160, formatter: timeCell },
  ],
});
