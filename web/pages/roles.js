// Roles and what they grant. System roles are fixed; custom roles are the tenant's own.
import { can } from "../auth.js";
import { isSystemRole, loadRoles } from "../roles.js";
import { describe, h, heading, show } from "../ui.js";

export async function render(view) {
  const head = heading("Roles and permissions",
    can("roles:create") ? h("a", { href: "#/roles/new", class: "button", id: "new-role" }, "New role") : null);
  show(view, head, h("p", { class: "muted" }, "Loading roles…"));
  let roles;
  try {
    roles = await loadRoles();
  } catch (err) {
    show(view, head, h("p", { class: "form-error", role: "alert" }, `Roles could not be loaded: ${describe(err)}`));
    return;
  }
  show(view, head,
    h("p", {}, "A user can do what any of their roles allows. The built-in roles cannot be changed; create a custom role to grant a different set."),
    h("table", { class: "grid", id: "roles-table" },
      h("thead", {}, h("tr", {}, ["Role", "Kind", "Description", "Permissions"].map((title) => h("th", { scope: "col" }, title)))),
      h("tbody", {}, roles.map((role) => h("tr", { dataset: { role: role.name } },
        h("td", {}, h("a", { href: `#/roles/${encodeURIComponent(role.id)}` }, role.name)),
        h("td", {}, isSystemRole(role) ? "Built-in" : "Custom"),
        h("td", {}, role.description || ""),
        h("td", { class: "number" }, Array.isArray(role.permissions) ? String(role.permissions.length) : ""))))));
}
