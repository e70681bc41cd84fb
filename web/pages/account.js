// One account: its details, and tabs with its contracts, candidates, documents, distributors and child
// accounts (each a server-paged table over the account's relationship route).
import { api } from "../api.js";
import { can } from "../auth.js";
import { bytes, codeCell, related, relatedTable, rowLink, timeCell } from "../listing.js";
import { nameAndNumber } from "../pickers.js";
import { facts, label, loadFailed, loadRecord, recordPath, deletePanel } from "../records.js";
import { tabs } from "../tabs.js";
import { h, heading, show, when } from "../ui.js";

const BACK = { href: "#/accounts", label: "Back to accounts" };
const href = (kind, id) => `#/${kind}/${encodeURIComponent(id)}`;

export async function render(view, params) {
  let account;
  let etag;
  try {
    ({ data: account, etag } = await loadRecord(recordPath("accounts", params.id)));
  } catch (err) {
    loadFailed(view, "Account", err, BACK);
    return;
  }
  const base = recordPath("accounts", account.id);
  const parent = h("span", {}, account.parent_id || "");
  const sections = tabs("Related records", [
    { key: "contracts", title: "Contracts", render: (panel) => contracts(panel, base) },
    { key: "candidates", title: "Candidates", render: (panel) => candidates(panel, base) },
    ...(can("documents:read") ? [{ key: "documents", title: "Documents", render: (panel) => documents(panel, base, account) }] : []),
    { key: "distributors", title: "Distributors", render: (panel) => distributors(panel, base) },
    { key: "children", title: "Child accounts", render: (panel) => children(panel, base, account) },
  ]);
  show(view,
    heading(account.name,
      can("accounts:update") && !account.deleted_at ? h("a", { href: `${href("accounts", account.id)}/edit`, class: "button", id: "edit-account" }, "Edit") : null,
      h("a", { href: BACK.href }, BACK.label)),
    h("section", { class: "panel wide", "aria-label": "Account details" },
      facts([
        ["Account number", account.number],
        ["Type", label(account.account_type)],
        ["Status", h("span", { id: "account-status", class: `badge status-${account.status}` }, label(account.status))],
        ["Parent account", account.parent_id ? parent : ""],
        ["GLN", account.gln], ["HIN", account.hin], ["DEA", account.dea],
        ["Address", address(account)],
        ["Contact", [account.contact_name, account.contact_email, account.phone].filter(Boolean).join(" · ")],
        ["Created", when(account.created_at)],
        ["Updated", when(account.updated_at)],
      ])),
    sections.element,
    deletePanel({ resource: "accounts", entity: "account", record: account, etag, onDone: () => { location.hash = BACK.href; } }));
  sections.select(params.tab && ["contracts", "candidates", "documents", "distributors", "children"].includes(params.tab) ? params.tab : "contracts");
  if (account.parent_id) {
    api(recordPath("accounts", account.parent_id))
      .then(({ data }) => parent.replaceChildren(h("a", { href: href("accounts", data.id) }, nameAndNumber(data))))
      .catch(() => {}); // the id stays shown
  }
}

function address(account) {
  const place = [account.city, [account.state, account.postal_code].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [account.address_line1, account.address_line2, place, account.country].filter(Boolean).join(" · ");
}

function contracts(panel, base) {
  relatedTable(panel, {
    title: "Contracts", id: "account-contracts", path: `${base}/contracts`,
    initialSort: [{ column: "name", dir: "asc" }],
    columns: [
      { title: "Contract", field: "name", widthGrow: 2, formatter: rowLink((row) => href("contracts", row.id), nameAndNumber) },
      { title: "Supplier", field: "supplier" },
      { title: "Contract status", field: "status", width: 140, formatter: codeCell },
      { title: "Activation", field: "candidate_status", width: 120, formatter: (cell) => document.createTextNode(label(cell.getRow().getData().candidate?.status)) },
      { title: "Ends", field: "ends_on", width: 120 },
    ],
  });
}

function candidates(panel, base) {
  relatedTable(panel, {
    title: "Candidates", id: "account-candidates", path: `${base}/candidates`,
    initialSort: [{ column: "updated_at", dir: "desc" }],
    columns: [
      { title: "Contract", field: "contract_name", widthGrow: 2, formatter: rowLink((row) => href("contracts", row.contract_id), (row) => related(row, "contract")) },
      { title: "Activation", field: "status", width: 120, formatter: codeCell },
      { title: "Invited", field: "invited_at", headerSort: false, formatter: timeCell },
      { title: "Activated", field: "activated_at", headerSort: false, formatter: timeCell },
      { title: "Updated", field: "updated_at", formatter: timeCell },
    ],
  });
}

function documents(panel, base, account) {
  const upload = can("documents:create") && !account.deleted_at
    ? h("a", { href: `#/documents/upload?account_id=${encodeURIComponent(account.id)}`, class: "button secondary" }, "Upload a document") : null;
  relatedTable(panel, {
    title: "Documents", id: "account-documents", path: `${base}/documents`, actions: upload ? [upload] : [],
    initialSort: [{ column: "created_at", dir: "desc" }],
    columns: [
      { title: "Title", field: "title", widthGrow: 2, formatter: rowLink((row) => href("documents", row.id), (row) => row.title || row.file_name) },
      { title: "Type", field: "document_type", headerSort: false, formatter: codeCell },
      { title: "Status", field: "status", width: 110, formatter: codeCell },
      { title: "Size", field: "size_bytes", width: 100, headerSort: false, formatter: (cell) => document.createTextNode(bytes(cell.getValue())) },
      { title: "Added", field: "created_at", formatter: timeCell },
    ],
  });
}

function distributors(panel, base) {
  relatedTable(panel, {
    title: "Distributors", id: "account-distributors", path: `${base}/distributors`,
    columns: [
      { title: "Distributor", field: "name", widthGrow: 2,
        formatter: rowLink((row) => href("distributors", row.distributor_id), (row) => row.distributor.name) },
      { title: "Code", field: "code", formatter: (cell) => document.createTextNode(cell.getRow().getData().distributor.code) },
      { title: "Territory", field: "territory" },
      { title: "Primary", field: "is_primary", width: 100, formatter: (cell) => document.createTextNode(cell.getValue() ? "Yes" : "") },
    ],
  });
}

function children(panel, base, account) {
  const add = can("accounts:create") && !account.deleted_at
    ? h("a", { href: `#/accounts/new?parent_id=${encodeURIComponent(account.id)}`, class: "button secondary" }, "New child account") : null;
  relatedTable(panel, {
    title: "Child accounts", id: "account-children", path: `${base}/children`, actions: add ? [add] : [],
    initialSort: [{ column: "name", dir: "asc" }],
    columns: [
      { title: "Name", field: "name", widthGrow: 2, formatter: rowLink((row) => href("accounts", row.id), (row) => row.name) },
      { title: "Number", field: "number" },
      { title: "Type", field: "account_type", headerSort: false, formatter: codeCell },
      { title: "Status", field: "status", width: 110, formatter: codeCell },
      { title: "City", field: "city" },
    ],
  });
}
