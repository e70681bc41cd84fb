// Tabulator tables over the API's list routes: the server pages, sorts and filters
// (`page`, `page_size`, `sort` with `-field` for descending, plus the page's own filters).
import { TabulatorFull as Tabulator } from "/vendor/tabulator/tabulator_esm.min.js";
import { api, query } from "./api.js";
import { describe, h, say } from "./ui.js";

/**
 * A table of `path`'s rows. `filters()` gives the current filter values (sent as query parameters);
 * call `reload()` on the result when they change. Columns sort on the server unless they say
 * `headerSort: false`. Errors go to `errors` (a live region).
 */
export function serverTable(element, { path, columns, filters = () => ({}), initialSort = [], pageSize = 25, errors, label }) {
  let ready;
  const built = new Promise((resolve) => {
    ready = resolve;
  });
  const table = new Tabulator(element, {
    layout: "fitColumns",
    placeholder: "Nothing to show.",
    columnDefaults: { formatter: textCell, tooltip: cellTextTooltip, headerSortTristate: false, minWidth: 90 },
    columns,
    initialSort,
    pagination: true,
    paginationMode: "remote",
    paginationSize: pageSize,
    paginationSizeSelector: [10, 25, 50, 100],
    paginationCounter: "rows",
    sortMode: "remote",
    filterMode: "remote",
    ajaxURL: path, // Tabulator loads through ajaxRequestFunc only when a URL is set
    ajaxRequestFunc: async (_url, _config, params) => {
      if (errors) say(errors, "");
      const sort = (params.sort || []).map(({ field, dir }) => (dir === "desc" ? `-${field}` : field)).join(",");
      try {
        const { data, meta } = await api(path + query({ page: params.page, page_size: params.size, sort, ...filters() }));
        const lastPage = Math.max(1, Math.ceil(meta.total / meta.page_size));
        return { data, last_page: lastPage, last_row: meta.total };
      } catch (err) {
        if (errors) say(errors, `The list could not be loaded: ${describe(err)}`);
        return { data: [], last_page: 1, last_row: 0 };
      }
    },
  });
  table.on("tableBuilt", () => {
    if (label) element.querySelector(".tabulator-table")?.setAttribute("aria-label", label);
    ready();
  });
  table.on("dataProcessed", () => element.setAttribute("data-loaded", "true"));
  return {
    table,
    /** Load page 1 again with the current filters. */
    reload: async () => {
      await built;
      element.removeAttribute("data-loaded");
      await table.setPage(1);
    },
  };
}

/**
 * A table of rows already in the page (`data`), paged and sorted in the browser, with the same cells as
 * serverTable. `replace(rows)` swaps the rows and keeps the page shown (a view that refreshes itself).
 */
export function localTable(element, { columns, data = [], pageSize = 25, label, placeholder = "Nothing to show." }) {
  const table = new Tabulator(element, {
    layout: "fitColumns",
    placeholder,
    columnDefaults: { formatter: textCell, tooltip: cellTextTooltip, headerSortTristate: false, minWidth: 90 },
    columns,
    data,
    pagination: true,
    paginationSize: pageSize,
    paginationCounter: "rows",
  });
  let built = false;
  table.on("tableBuilt", () => {
    built = true;
    if (label) element.querySelector(".tabulator-table")?.setAttribute("aria-label", label);
    element.setAttribute("data-loaded", "true");
  });
  return {
    table,
    replace: (rows) => (built ? table.replaceData(rows) : table.on("tableBuilt", () => table.replaceData(rows))),
  };
}

/** The default cell: its value as text (never HTML). */
export function textCell(cell) {
  const value = cell.getValue();
  return document.createTextNode(value === null || value === undefined ? "" : String(value));
}

/** The cell's shown text as its tooltip (for truncated cells). Built as text: Tabulator would put
 * a string tooltip in as HTML. */
function cellTextTooltip(_event, cell) {
  const text = cell.getElement().textContent;
  return text ? h("div", {}, text) : "";
}

/** A cell that links to `href(row)` with the cell's value as its text. */
export function linkCell(href) {
  return (cell) => h("a", { href: href(cell.getRow().getData()) }, String(cell.getValue() ?? ""));
}

/** Call `fn` once typing pauses (search boxes). */
export function debounce(fn, delay = 300) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
}
