// Documents: a server-paged table filtered by status, type, account, contract and upload date; CSV export.
import { bytes, codeCell, listPage, rowLink, timeCell } from "../listing.js";
import { nameAndNumber, recordPicker } from "../pickers.js";
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, choices } from "../records.js";
import { field } from "../ui.js";

export const render = listPage({
  title: "Documents",
  resource: "documents",
  guard: "documents",
  id: "documents-table",
  search: "Title or file name",
  filters: [
    { label: "Status", name: "status", options: [...choices(DOCUMENT_STATUSES, "Any status"), ["deleted", "Deleted"]] },
    { label: "Type", name: "document_type", options: choices(DOCUMENT_TYPES, "Any type") },
    () => recordPicker({ label: "Account", name: "account_id", resource: "accounts", text: nameAndNumber, none: "Any account" }),
    () => recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber, none: "Any contract" }),
    () => field({ label: "Added from", name: "created_at_from", type: "date" }),
    () => field({ label: "Added until", name: "created_at_to", type: "date" }),
  ],
  create: { href: "#/documents/upload", label: "Upload documents" },
  initialSort: [{ column: "created_at", dir: "desc" }],
  columns: [
    { title: "Title", field: "title", widthGrow: 2, formatter: rowLink((row) => `#/documents/${encodeURIComponent(row.id)}`, (row) => row.title || row.file_name) },
    { title: "File", field: "file_name" },
    { title: "Type", field: "document_type", headerSort: false, formatter: codeCell },
    { title: "Status", field: "status", width: 110, formatter: codeCell },
    { title: "Pages", field: "page_count", width: 90 },
    { title: "Size", field: "size_bytes", width: 100, formatter: (cell) => document.createTextNode(bytes(cell.getValue())) },
    { title: "Added", field: "created_at", minWidth: 160, formatter: timeCell },
  ],
});
