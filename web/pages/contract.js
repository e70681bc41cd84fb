// One contract: its details, how far its candidates have come (counts by activation status, as figures
// and a bar), and the candidates themselves in a server-paged table filtered by status.
import { api } from "../api.js";
import { can } from "../auth.js";
import { codeCell, related, relatedTable, rowLink, timeCell } from "../listing.js";
import { CANDIDATE_STATUSES, choices, deletePanel, facts, label, loadFailed, loadRecord, recordPath } from "../records.js";
import { describe, field, h, heading, show, when } from "../ui.js";

const BACK = { href: "#/contracts", label: "Back to contracts" };

export async function render(view, params) {
  let contract;
  let etag;
  try {
    ({ data: contract, etag } = await loadRecord(recordPath("contracts", params.id)));
  } catch (err) {
    loadFailed(view, "Contract", err, BACK);
    return;
  }
  const base = recordPath("contracts", contract.id);
  const category = h("span", {}, contract.category_id || "");
  const counts = h("section", { class: "panel wide", id: "candidate-counts", "aria-labelledby": "counts-title" },
    h("h2", { id: "counts-title" }, "Candidates by status"), h("p", { class: "muted" }, "Loading…"));
  const status = field({ label: "Status", name: "status", type: "select", options: choices(CANDIDATE_STATUSES, "Any status") });
  const list = h("div");
  show(view,
    heading(contract.name,
      can("contracts:update") ? h("a", { href: `#/contracts/${encodeURIComponent(contract.id)}/edit`, class: "button", id: "edit-contract" }, "Edit") : null,
      h("a", { href: BACK.href }, BACK.label)),
    h("section", { class: "panel wide", "aria-label": "Contract details" },
      facts([
        ["Contract number", contract.number],
        ["Supplier", contract.supplier],
        ["Category", contract.category_id ? category : ""],
        ["Tier", contract.tier],
        ["Status", h("span", { class: `badge status-${contract.status}` }, label(contract.status))],
        ["Starts", contract.starts_on],
        ["Ends", contract.ends_on],
        ["Description", contract.description],
        ["Updated", when(contract.updated_at)],
      ])),
    counts,
    h("form", { class: "filters", role: "search", "aria-label": "Filter candidates", onsubmit: (event) => event.preventDefault() }, status),
    list,
    deletePanel({ resource: "contracts", entity: "contract", record: contract, etag, onDone: () => { location.hash = BACK.href; } }));

  const select = status.querySelector("select");
  const { reload } = relatedTable(list, {
    title: "Candidates", id: "contract-candidates", path: `${base}/candidates`, pageSize: 25,
    filters: () => ({ status: select.value }),
    columns: [
      { title: "Account", field: "account_name", widthGrow: 2,
        formatter: rowLink((row) => `#/accounts/${encodeURIComponent(row.account_id)}`, (row) => related(row, "account")) },
      { title: "Status", field: "status", width: 120, formatter: codeCell },
      { title: "Invited", field: "invited_at", headerSort: false, formatter: timeCell },
      { title: "Returned", field: "returned_at", headerSort: false, formatter: timeCell },
      { title: "Activated", field: "activated_at", headerSort: false, formatter: timeCell },
      { title: "Updated", field: "updated_at", formatter: timeCell },
    ],
  });
  select.addEventListener("change", reload);
  const chooseStatus = (code) => {
    select.value = code;
    reload();
  };
  api(`${base}/candidate-counts`)
    .then(({ data }) => drawCounts(counts, data, chooseStatus))
    .catch((err) => counts.replaceChildren(counts.firstChild, h("p", { class: "form-error", role: "alert" }, `The counts could not be loaded: ${describe(err)}`)));
  if (contract.category_id) {
    api(recordPath("contract-categories", contract.category_id)).then(({ data }) => { category.textContent = data.name; }).catch(() => {});
  }
}

/**
 * The counts ({eligible: n, …, total}) as figures (buttons that filter the table) and as one stacked bar,
 * which only repeats them.
 */
function drawCounts(section, counts, chooseStatus) {
  const { total } = counts;
  const bar = h("div", { class: "count-bar", "aria-hidden": "true" });
  for (const code of CANDIDATE_STATUSES) {
    if (!counts[code]) continue;
    const segment = h("span", { class: `segment status-${code}`, title: `${label(code)}: ${counts[code]}` });
    segment.style.width = `${(100 * counts[code]) / total}%`;
    bar.append(segment);
  }
  section.replaceChildren(section.firstChild,
    h("p", { class: "count-total" }, h("strong", { id: "candidate-total" }, String(total)), total === 1 ? " candidate" : " candidates"),
    total ? bar : null,
    h("ul", { class: "count-figures" }, CANDIDATE_STATUSES.map((code) => h("li", { dataset: { status: code } },
      h("button", { type: "button", class: "link figure", onclick: () => chooseStatus(code), "aria-label": `${label(code)}: ${counts[code] || 0}. Show them.` },
        h("span", { class: `dot status-${code}`, "aria-hidden": "true" }),
        h("span", { class: "figure-count" }, String(counts[code] || 0)), " ", label(code))))));
}
