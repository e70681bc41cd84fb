// Roles as the admin pages need them: every role of the tenant (system roles first), and the
// checkbox list to pick some.
import { api, query } from "./api.js";
import { checkbox, h } from "./ui.js";

/** Every role the tenant can assign (one page: tenants have a handful). */
export async function loadRoles() {
  const { data } = await api(`/roles${query({ page_size: 200, sort: "name" })}`);
  return data;
}

/** Whether a role is one of the built-in ones (Admin, Manager, User, Viewer), which cannot be edited. */
export function isSystemRole(role) {
  return role.is_system;
}

/** A fieldset of role checkboxes named `roles`, with `chosen` (role ids) ticked. */
export function roleChoices(roles, { chosen = [], disabled = false, legend = "Roles" } = {}) {
  const ticked = new Set(chosen);
  return h("fieldset", { class: "choices", id: "role-choices" },
    h("legend", {}, legend),
    roles.map((role) => checkbox({
      label: role.name, name: "roles", value: role.id, checked: ticked.has(role.id), disabled, hint: role.description ? `— ${role.description}` : null,
    })));
}

/** The permission catalogue (GET /permissions). */
export async function loadPermissions() {
  return (await api(`/permissions${query({ page_size: 200 })}`)).data;
}

const RESOURCE_NAMES = { esign: "E-signature" };

/** Checkboxes named `permissions`, one fieldset per resource, with `granted` (codes) ticked. */
export function permissionChoices(catalogue, { granted = [], disabled = false } = {}) {
  const ticked = new Set(granted);
  return h("fieldset", { class: "permissions" },
    h("legend", {}, "Permissions"),
    h("div", { class: "permission-groups" }, byResource(catalogue).map(([resource, permissions]) =>
      h("fieldset", { class: "choices", dataset: { resource } },
        h("legend", {}, RESOURCE_NAMES[resource] || resource.charAt(0).toUpperCase() + resource.slice(1)),
        permissions.map((permission) => checkbox({
          label: permission.action, name: "permissions", value: permission.code,
          checked: ticked.has(permission.code), disabled, title: permission.description,
        }))))));
}

/** [[resource, [{code, action, description}]]] in catalogue order. */
function byResource(catalogue) {
  const groups = new Map();
  for (const permission of catalogue) {
    const [resource, action] = permission.code.split(":");
    const entry = { ...permission, resource: permission.resource || resource, action: permission.action || action };
    if (!groups.has(entry.resource)) groups.set(entry.resource, []);
    groups.get(entry.resource).push(entry);
  }
  return [...groups];
}
