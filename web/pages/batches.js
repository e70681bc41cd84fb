// Batches: a server-paged table, newest first, filtered by status and contract; each row links to its page.
import { codeCell, listPage, rowLink, timeCell } from "../listing.js";
import { nameAndNumber, recordPicker } from "../pickers.js";
import { choices } from "../records.js";
import { BATCH_STATUSES, batchHref, nameText, progressBar } from "../batches.js";
import { when } from "../ui.js";

export const render = listPage({
  title: "Batches",
  resource: "batches",
  guard: "batches",
  id: "batches-table",
  exportable: false, // the API has no export of batches
  filters: [
    { label: "Status", name: "status", options: choices(BATCH_STATUSES, "Any status") },
    () => recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber, none: "Any contract" }),
  ],
  create: { href: "#/batches/new", label: "New batch" },
  initialSort: [{ column: "created_at", dir: "desc" }],
  columns: [
    { title: "Created", field: "created_at", minWidth: 160, formatter: rowLink((row) => batchHref(row.id), (row) => when(row.created_at)) },
    { title: "Template", field: "template_id", widthGrow: 2, headerSort: false,
      formatter: (cell) => nameText("templates", cell.getValue()) },
    { title: "Version", field: "template_version", width: 95, headerSort: false },
    { title: "Contract", field: "contract_id", widthGrow: 2, headerSort: false,
      formatter: (cell) => nameText("contracts", cell.getValue()) },
    { title: "Status", field: "status", width: 120, formatter: codeCell },
    { title: "Progress", field: "total", minWidth: 180, headerSort: false, tooltip: false,
      formatter: (cell) => progressBar(cell.getRow().getData()) },
    { title: "Finished", field: "finished_at", minWidth: 160, headerSort: false, formatter: timeCell },
  ],
});
