// Invite a user: the invitation e-mail carries a one-time link to choose a password.
import { api } from "../api.js";
import { can } from "../auth.js";
import { loadRoles, roleChoices } from "../roles.js";
import { describe, field, form, h, heading, show } from "../ui.js";

export async function render(view) {
  let roles = [];
  let rolesNote = null;
  if (can("roles:read")) {
    try {
      roles = await loadRoles();
    } catch (err) {
      rolesNote = h("p", { class: "form-error", role: "alert" }, `Roles could not be loaded: ${describe(err)}`);
    }
  } else {
    rolesNote = h("p", { class: "muted" }, "You cannot see roles; an administrator can assign them later.");
  }
  const invite = form({
    label: "Invite a user",
    fields: [
      field({ label: "E-mail", name: "email", type: "email", autocomplete: "off", required: true }),
      field({ label: "Name", name: "display_name", autocomplete: "off", required: true }),
      rolesNote ?? roleChoices(roles, { chosen: roles.filter((r) => r.name === "Viewer").map((r) => r.id) }),
    ],
    submit: "Send invitation",
    onSubmit: async ({ email, display_name, roles: chosen = [] }) => {
      const user = (await api("/users", { method: "POST", body: { email, display_name, roles: chosen } })).data;
      show(view,
        heading("Invitation sent"),
        h("p", { role: "status" }, `${user.email} has been invited. The link in the e-mail works once and expires.`),
        h("p", { class: "actions" },
          h("a", { href: `#/users/${encodeURIComponent(user.id)}`, class: "button" }, "Open the user"),
          h("a", { href: "#/users" }, "Back to users")));
    },
    extra: [h("a", { href: "#/users" }, "Cancel")],
  });
  show(view, heading("Invite a user"), h("div", { class: "narrow" }, invite));
  invite.querySelector("input").focus();
}
