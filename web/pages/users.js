// Users of this organisation: a server-paged table with search and a status filter.
import { can } from "../auth.js";
import { debounce, linkCell, serverTable } from "../table.js";
import { field, h, heading, message, show, when } from "../ui.js";

// "removed" is not a status but a separate list on the server (deleted=true).
const STATUSES = [["", "Any status"], ["active", "Active"], ["invited", "Invited"], ["disabled", "Disabled"], ["removed", "Removed"]];

export async function render(view) {
  const search = field({ label: "Search", name: "q", type: "search", placeholder: "Name or e-mail" });
  const status = field({ label: "Status", name: "status", type: "select", options: STATUSES });
  const errors = message("error");
  const grid = h("div", { id: "users-table", class: "table" });
  show(view,
    heading("Users", can("users:create") ? h("a", { href: "#/users/invite", class: "button", id: "invite-user" }, "Invite user") : null),
    h("form", { class: "filters", role: "search", "aria-label": "Filter users", onsubmit: (event) => event.preventDefault() }, search, status),
    errors,
    grid);

  const values = () => {
    const chosen = status.querySelector("select").value;
    return { q: search.querySelector("input").value.trim(), ...(chosen === "removed" ? { deleted: true } : { status: chosen }) };
  };
  const { reload } = serverTable(grid, {
    path: "/users",
    label: "Users",
    errors,
    filters: values,
    initialSort: [{ column: "email", dir: "asc" }],
    columns: [
      { title: "Name", field: "display_name", formatter: linkCell((user) => `#/users/${encodeURIComponent(user.id)}`) },
      { title: "E-mail", field: "email", widthGrow: 2 },
      { title: "Status", field: "status", width: 110 },
      { title: "Roles", field: "roles", headerSort: false, formatter: (cell) => document.createTextNode((cell.getValue() || []).map((r) => r.name).join(", ")) },
      { title: "MFA", field: "mfa_enabled", headerSort: false, width: 80, formatter: (cell) => document.createTextNode(cell.getValue() ? "On" : "Off") },
      { title: "Last sign-in", field: "last_login_at", minWidth: 170, formatter: (cell) => document.createTextNode(when(cell.getValue())) },
    ],
  });
  search.querySelector("input").addEventListener("input", debounce(reload));
  status.querySelector("select").addEventListener("change", reload);
}
