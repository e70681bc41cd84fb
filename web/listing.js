// List pages of records: a server-paged Tabulator with a search box, filters and an export button, and
// the smaller tables of related records on a detail page. Paging, sorting and filtering happen on the server.
import { api, query } from "./api.js";
import { can } from "./auth.js";
import { debounce, serverTable } from "./table.js";
import { describe, field, h, heading, message, say, show, when } from "./ui.js";
import { label } from "./records.js";

/** A cell with a code as words ("long_term_care" → "Long term care"). */
export function codeCell(cell) {
  return document.createTextNode(label(cell.getValue()));
}

/** A cell with a date-time as local text. */
export function timeCell(cell) {
  return document.createTextNode(when(cell.getValue()));
}

/**
 * The render() of a list page. `spec`:
 *   title, resource (API path), guard (permission resource), id (the table element's id),
 *   search (placeholder; no search box without it), exportable (false: no "Export CSV"), filters: [{name, label, options}] (selects; the value "deleted" of a
 *   "status" filter lists deleted records) or functions building a filter element (any named
 *   inputs and selects in it become query parameters), columns, initialSort, create: {href, label} (for `<guard>:create`).
 */
export function listPage(spec) {
  return async function render(view) {
    const search = spec.search ? field({ label: "Search", name: "q", type: "search", placeholder: spec.search }) : null;
    const boxes = (spec.filters || []).map((filter) => (typeof filter === "function" ? filter() : field({ type: "select", ...filter })));
    const controls = boxes.flatMap((box) => [...box.querySelectorAll("select[name], input[name]")]);
    const errors = message("error");
    const grid = h("div", { id: spec.id, class: "table" });
    const filters = () => {
      const values = search ? { q: search.querySelector("input").value.trim() } : {};
      for (const control of controls) {
        if (control.name === "status" && control.value === "deleted") values.deleted = true;
        else values[control.name] = control.value;
      }
      return values;
    };
    const create = spec.create && can(`${spec.guard}:create`)
      ? h("a", { href: spec.create.href, class: "button", id: `${spec.id}-new` }, spec.create.label) : null;
    show(view,
      heading(spec.title, spec.exportable === false ? null : exportButton(spec.resource, filters), create),
      h("form", { class: "filters", role: "search", "aria-label": `Filter ${spec.title.toLowerCase()}`, onsubmit: (event) => event.preventDefault() },
        search, boxes),
      errors,
      grid);
    let reload = async () => {};
    const restore = can(`${spec.guard}:delete`) ? [restoreColumn(spec.resource, errors, () => reload())] : [];
    ({ reload } = serverTable(grid, {
      path: `/${spec.resource}`, label: spec.title, errors, filters, columns: [...spec.columns, ...restore], initialSort: spec.initialSort,
    }));
    search?.querySelector("input").addEventListener("input", debounce(reload));
    for (const control of controls) control.addEventListener("change", reload);
  };
}

/** A column with a "Restore" button on deleted rows (listed with the "Deleted" filter). */
function restoreColumn(resource, errors, reload) {
  return {
    title: "", field: "deleted_at", headerSort: false, width: 110, tooltip: false,
    formatter: (cell) => {
      const row = cell.getRow().getData();
      if (!row.deleted_at) return "";
      return h("button", { type: "button", class: "secondary small", "aria-label": `Restore ${row.name || row.title || row.code || ""}`.trim(),
        onclick: async (event) => {
          event.target.disabled = true;
          try {
            await api(`/${resource}/${encodeURIComponent(row.id)}/restore`, { method: "POST" });
            await reload();
          } catch (err) {
            say(errors, `It could not be restored: ${describe(err)}`);
            event.target.disabled = false;
          }
        } }, "Restore");
    },
  };
}

/**
 * "Export CSV": asks the server for an export of what the filters select (every page), then opens
 * the short-lived link it answers with, which downloads the file.
 */
export function exportButton(resource, filters) {
  const status = message();
  const button = h("button", { type: "button", class: "secondary", onclick: async () => {
    button.disabled = true;
    say(status, "Preparing the export…");
    try {
      const { data } = await api(`/${resource}/export${query({ ...filters(), format: "csv" })}`);
      say(status, `${data.rows} rows exported.`);
      location.assign(data.download_url);
    } catch (err) {
      say(status, `The export failed: ${describe(err)}`);
    } finally {
      button.disabled = false;
    }
  } }, "Export CSV");
  return h("span", { class: "export" }, button, status);
}

/**
 * Append to `container` (already in the page: Tabulator measures it) a titled section with a server-paged
 * table of related records (`path`, e.g. /accounts/7/contracts). `filters()` adds query parameters.
 */
export function relatedTable(container, { title, id, path, columns, initialSort = [], filters, pageSize = 10, actions = [] }) {
  const errors = message("error");
  const grid = h("div", { id, class: "table" });
  container.append(h("section", { class: "related", "aria-label": title },
    h("div", { class: "section-head" }, h("h2", {}, title), actions.length ? h("div", { class: "page-actions" }, actions) : null),
    errors, grid));
  return serverTable(grid, { path, columns, initialSort, filters, pageSize, errors, label: title });
}

/** A cell linking to `href(row)` with `text(row)` as its text. */
export function rowLink(href, text) {
  return (cell) => {
    const row = cell.getRow().getData();
    return h("a", { href: href(row) }, String(text(row) ?? ""));
  };
}

/** The record a relationship route joined into a row (`row.contract`, `row.account`) as "Name (number)". */
export function related(row, kind) {
  const joined = row[kind];
  if (!joined) return row[`${kind}_id`] || "";
  return joined.number ? `${joined.name} (${joined.number})` : joined.name;
}

/** A file size in words: 1536 → "1.5 KB". */
export function bytes(size) {
  if (size === null || size === undefined) return "";
  const units = ["bytes", "KB", "MB", "GB"];
  let value = Number(size);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
