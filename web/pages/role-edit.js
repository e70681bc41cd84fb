// A role: its name, description and permissions, ticked by resource. Built-in roles are read-only.
import { api } from "../api.js";
import { can } from "../auth.js";
import { isSystemRole, loadPermissions, permissionChoices } from "../roles.js";
import { confirmButton, describe, field, form, h, heading, show } from "../ui.js";

export async function render(view, { id }) {
  let role = { name: "", description: "", permissions: [] };
  let catalogue;
  try {
    const [permissions, existing] = await Promise.all([loadPermissions(), id ? api(`/roles/${encodeURIComponent(id)}`) : null]);
    catalogue = permissions;
    if (existing) role = existing.data;
  } catch (err) {
    show(view, heading("Role"), h("p", { class: "form-error", role: "alert" }, describe(err)), h("a", { href: "#/roles" }, "Back to roles"));
    return;
  }
  const builtIn = Boolean(id) && isSystemRole(role);
  const editable = !builtIn && can(id ? "roles:update" : "roles:create");
  const granted = role.permissions.map((p) => (typeof p === "string" ? p : p.code));

  const roleForm = form({
    label: id ? `Role ${role.name}` : "New role",
    fields: [
      field({ label: "Name", name: "name", value: role.name, required: true, maxlength: "100" }),
      field({ label: "Description", name: "description", type: "textarea", value: role.description || "" }),
      permissionChoices(catalogue, { granted, disabled: !editable }),
    ],
    submit: id ? "Save role" : "Create role",
    onSubmit: async ({ name, description, permissions = [] }) => {
      const body = { name, description, permissions };
      const saved = id
        ? await api(`/roles/${encodeURIComponent(id)}`, { method: "PATCH", body })
        : await api("/roles", { method: "POST", body });
      location.hash = `#/roles/${encodeURIComponent(saved.data.id)}`;
      if (id) render(view, { id }); // same address: draw the saved role
    },
    extra: [h("a", { href: "#/roles" }, "Back to roles")],
  });
  if (!editable) {
    for (const control of roleForm.elements) control.disabled = true;
    roleForm.querySelector("button[type=submit]").remove();
  }
  show(view,
    heading(id ? role.name : "New role"),
    builtIn ? h("p", { class: "muted" }, "This is a built-in role: it cannot be changed. Create a custom role to grant a different set.") : null,
    roleForm,
    id && !builtIn && can("roles:delete") ? h("section", { class: "panel" },
      h("h2", {}, "Delete role"),
      h("p", {}, "Users who hold only this role lose its permissions."),
      confirmButton({
        label: "Delete role", question: `Delete the role ${role.name}?`, danger: true,
        action: async () => {
          await api(`/roles/${encodeURIComponent(id)}`, { method: "DELETE" });
          location.hash = "#/roles";
        },
      })) : null);
}

