// One user: details and status, roles, MFA reset, removal. Each part follows the caller's permissions.
import { api } from "../api.js";
import { can } from "../auth.js";
import { loadRoles, roleChoices } from "../roles.js";
import { confirmButton, describe, field, form, h, heading, message, say, show, when } from "../ui.js";

export async function render(view, { id }) {
  let user;
  try {
    user = (await api(`/users/${encodeURIComponent(id)}`)).data;
  } catch (err) {
    show(view, heading("User"), h("p", { class: "form-error", role: "alert" }, describe(err)), h("a", { href: "#/users" }, "Back to users"));
    return;
  }
  const roles = can("roles:read") ? await loadRoles().catch(() => null) : null;
  const draw = (current) => show(view,
    heading(current.display_name || current.email, h("a", { href: "#/users" }, "Back to users")),
    h("dl", { class: "facts" },
      h("dt", {}, "E-mail"), h("dd", {}, current.email),
      h("dt", {}, "Status"), h("dd", { id: "user-status" }, current.deleted_at ? "removed" : current.status),
      h("dt", {}, "Two-step verification"), h("dd", {}, current.mfa_enabled ? "On" : "Off"),
      h("dt", {}, "Last sign-in"), h("dd", {}, when(current.last_login_at) || "never"),
      h("dt", {}, "Created"), h("dd", {}, when(current.created_at))),
    detailsSection(current, draw),
    rolesSection(current, roles, draw),
    mfaSection(current, draw),
    removalSection(current, draw));
  draw(user);
}

function detailsSection(user, draw) {
  const editable = can("users:update") && !user.deleted_at;
  // An invited user becomes active only by accepting the invitation.
  const statuses = [[user.status === "invited" ? "invited" : "active", user.status === "invited" ? "Invited (has not accepted yet)" : "Active"],
    ["disabled", "Disabled"]];
  const saved = message();
  const details = form({
    label: "User details",
    fields: [
      field({ label: "Display name", name: "display_name", value: user.display_name, required: true }),
      field({ label: "Status", name: "status", type: "select", options: statuses, value: user.status,
        hint: "A disabled user cannot sign in; their sessions end." }),
    ],
    submit: "Save details",
    onSubmit: async ({ display_name, status }) => {
      const changes = {};
      if (display_name !== user.display_name) changes.display_name = display_name;
      if (status !== user.status) changes.status = status;
      if (Object.keys(changes).length) {
        draw((await api(`/users/${encodeURIComponent(user.id)}`, { method: "PATCH", body: changes })).data);
        return;
      }
      say(saved, "Nothing to save.");
    },
    extra: [saved],
  });
  if (!editable) disableForm(details);
  return h("section", { class: "panel", "aria-labelledby": "details-title" }, h("h2", { id: "details-title" }, "Details"), details);
}

function rolesSection(user, roles, draw) {
  if (!roles) return null;
  const editable = can("roles:update") && !user.deleted_at;
  const choose = form({
    label: "Roles",
    fields: [roleChoices(roles, { chosen: user.roles.map((r) => r.id), disabled: !editable, legend: "Roles of this user" })],
    submit: "Save roles",
    onSubmit: async ({ roles: chosen = [] }) => {
      draw((await api(`/users/${encodeURIComponent(user.id)}/roles`, { method: "PUT", body: { roles: chosen } })).data);
    },
  });
  if (!editable) disableForm(choose);
  return h("section", { class: "panel", "aria-labelledby": "roles-title" }, h("h2", { id: "roles-title" }, "Roles"), choose);
}

function mfaSection(user, draw) {
  if (!user.mfa_enabled || !can("users:update")) return null;
  return h("section", { class: "panel", "aria-labelledby": "mfa-title" },
    h("h2", { id: "mfa-title" }, "Two-step verification"),
    h("p", {}, "Reset it when the user has lost their device and their recovery codes. They set it up again at their next sign-in (or from their profile)."),
    confirmButton({
      label: "Reset two-step verification",
      question: "Reset two-step verification for this user?",
      action: async () => {
        await api(`/users/${encodeURIComponent(user.id)}/mfa/reset`, { method: "POST" });
        draw((await api(`/users/${encodeURIComponent(user.id)}`)).data);
      },
    }));
}

function removalSection(user, draw) {
  if (!can("users:delete")) return null;
  const removed = Boolean(user.deleted_at);
  return h("section", { class: "panel", "aria-labelledby": "removal-title" },
    h("h2", { id: "removal-title" }, removed ? "Restore" : "Remove"),
    h("p", {}, removed ? "This user was removed. Restoring lets them sign in again." : "A removed user cannot sign in. The record is kept and can be restored."),
    confirmButton({
      label: removed ? "Restore user" : "Remove user",
      question: removed ? "Restore this user?" : "Remove this user?",
      danger: !removed,
      action: async () => {
        const path = `/users/${encodeURIComponent(user.id)}`;
        draw((removed ? await api(`${path}/restore`, { method: "POST" }) : await api(path, { method: "DELETE" })).data);
      },
    }));
}

function disableForm(element) {
  for (const control of element.elements) control.disabled = true;
  element.querySelector("button[type=submit]")?.remove();
}
