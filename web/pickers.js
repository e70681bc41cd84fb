// Choosing a related record (an account's parent, a document's account or contract) from the server's
// list: a search box that fills a select. The select carries the form value (the record's id).
import { api, query } from "./api.js";
import { debounce } from "./table.js";
import { h, uid } from "./ui.js";

const SHOWN = 20;

/**
 * A labelled select named `name` whose options are `resource` records found by the search box above it.
 * `text(row)` is how a record reads in the list; `value` (an id) is chosen at the start; `filters` are
 * query parameters the search always sends (e.g. {status: "indexed"}).
 */
export function recordPicker({ label, name, resource, value = "", text, hint, none = "None", filters = {} }) {
  const id = uid(`p-${name}`);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const finder = h("input", { type: "search", id: `${id}-find`, placeholder: "Type to search", autocomplete: "off" });
  const select = h("select", { id, name, "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") });
  const known = new Map(); // id → text, so the chosen record keeps its name while the list changes
  let found = [];

  const fill = (rows) => {
    found = rows;
    const chosen = select.value;
    for (const row of rows) known.set(row.id, text(row));
    const ids = rows.map((row) => row.id);
    if (chosen && !ids.includes(chosen)) ids.unshift(chosen);
    select.replaceChildren(h("option", { value: "" }, none),
      ...ids.map((rowId) => h("option", { value: rowId }, known.get(rowId) || rowId)));
    select.value = chosen;
  };
  const search = async () => {
    try {
      const { data } = await api(`/${resource}${query({ ...filters, q: finder.value.trim(), page_size: SHOWN })}`);
      fill(data);
    } catch {
      // The list stays as it was; the select still holds the chosen record.
    }
  };
  finder.addEventListener("input", debounce(search));

  select.replaceChildren(h("option", { value: "" }, none));
  if (value) {
    select.append(h("option", { value }, value));
    select.value = value;
    api(`/${resource}/${encodeURIComponent(value)}`).then(({ data }) => {
      known.set(data.id, text(data));
      fill(found);
    }).catch(() => {});
  }
  search();

  return h("div", { class: "field picker", dataset: { field: name } },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("label", { for: `${id}-find`, class: "visually-hidden" }, `Search ${resource}`),
    finder,
    select,
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

/** How accounts and contracts read in pickers and tables: "Name (number)". */
export function nameAndNumber(row) {
  return row.number ? `${row.name} (${row.number})` : row.name;
}
