// Customer accounts: a server-paged table with search, status and type filters, and a CSV export.
import { codeCell, listPage } from "../listing.js";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, choices } from "../records.js";
import { linkCell } from "../table.js";

export const render = listPage({
  title: "Accounts",
  resource: "accounts",
  guard: "accounts",
  id: "accounts-table",
  search: "Name, number, city, GLN, HIN or DEA",
  filters: [
    { label: "Status", name: "status", options: [...choices(ACCOUNT_STATUSES, "Any status"), ["deleted", "Deleted"]] },
    { label: "Type", name: "account_type", options: choices(ACCOUNT_TYPES, "Any type") },
  ],
  create: { href: "#/accounts/new", label: "New account" },
  initialSort: [{ column: "name", dir: "asc" }],
  columns: [
    { title: "Name", field: "name", widthGrow: 2, formatter: linkCell((row) => `#/accounts/${encodeURIComponent(row.id)}`) },
    { title: "Number", field: "number" },
    { title: "Type", field: "account_type", headerSort: false, formatter: codeCell },
    { title: "Status", field: "status", width: 110, formatter: codeCell },
    { title: "City", field: "city" },
    { title: "State", field: "state", width: 90 },
  ],
});
