// Distributors: a server-paged table with search and a status filter, and a CSV export.
import { codeCell, listPage } from "../listing.js";
import { DISTRIBUTOR_STATUSES, choices } from "../records.js";
import { linkCell } from "../table.js";

export const render = listPage({
  title: "Distributors",
  resource: "distributors",
  guard: "accounts",
  id: "distributors-table",
  search: "Name or code",
  filters: [{ label: "Status", name: "status", options: [...choices(DISTRIBUTOR_STATUSES, "Any status"), ["deleted", "Deleted"]] }],
  create: { href: "#/distributors/new", label: "New distributor" },
  initialSort: [{ column: "name", dir: "asc" }],
  columns: [
    { title: "Name", field: "name", widthGrow: 2, formatter: linkCell((row) => `#/distributors/${encodeURIComponent(row.id)}`) },
    { title: "Code", field: "code" },
    { title: "Status", field: "status", width: 110, formatter: codeCell },
    { title: "Contact e-mail", field: "contact_email", headerSort: false },
    { title: "Phone", field: "phone", headerSort: false },
  ],
});
