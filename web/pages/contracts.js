// Contracts: a server-paged table with search and a status filter, and a CSV export.
import { codeCell, listPage } from "../listing.js";
import { CONTRACT_STATUSES, choices } from "../records.js";
import { linkCell } from "../table.js";

export const render = listPage({
  title: "Contracts",
  resource: "contracts",
  guard: "contracts",
  id: "contracts-table",
  search: "Name, number or supplier",
  filters: [{ label: "Status", name: "status", options: [...choices(CONTRACT_STATUSES, "Any status"), ["deleted", "Deleted"]] }],
  create: { href: "#/contracts/new", label: "New contract" },
  initialSort: [{ column: "name", dir: "asc" }],
  columns: [
    { title: "Name", field: "name", widthGrow: 2, formatter: linkCell((row) => `#/contracts/${encodeURIComponent(row.id)}`) },
    { title: "Number", field: "number" },
    { title: "Supplier", field: "supplier" },
    { title: "Status", field: "status", width: 110, formatter: codeCell },
    { title: "Starts", field: "starts_on", width: 120 },
    { title: "Ends", field: "ends_on", width: 120 },
  ],
});
