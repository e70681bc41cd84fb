// Bundles: ordered sets of documents. A server-paged table with search and a status filter; CSV export.
import { codeCell, listPage, timeCell } from "../listing.js";
import { BUNDLE_STATUSES, choices } from "../records.js";
import { linkCell } from "../table.js";

export const render = listPage({
  title: "Bundles",
  resource: "bundles",
  guard: "documents",
  id: "bundles-table",
  search: "Name",
  filters: [{ label: "Status", name: "status", options: [...choices(BUNDLE_STATUSES, "Any status"), ["deleted", "Deleted"]] }],
  create: { href: "#/bundles/new", label: "New bundle" },
  initialSort: [{ column: "name", dir: "asc" }],
  columns: [
    { title: "Name", field: "name", widthGrow: 2, formatter: linkCell((row) => `#/bundles/${encodeURIComponent(row.id)}`) },
    { title: "Status", field: "status", width: 110, formatter: codeCell },
    { title: "Description", field: "description", widthGrow: 2, headerSort: false },
    { title: "Created", field: "created_at", formatter: timeCell },
  ],
});
