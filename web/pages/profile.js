// Your profile: display name, password, and two-step verification.
import { api } from "../api.js";
import { currentUser, reloadMe } from "../auth.js";
import { enrolmentPanel } from "../mfa.js";
import { newPasswordFields, passwordsMatch } from "../passwords.js";
import { describe, field, form, h, message, say, show } from "../ui.js";

export async function render(view) {
  const { user, tenant, roles } = currentUser();
  show(view,
    h("h1", {}, "Profile"),
    h("dl", { class: "facts" },
      h("dt", {}, "E-mail"), h("dd", { id: "profile-email" }, user.email),
      h("dt", {}, "Organisation"), h("dd", {}, tenant.name),
      h("dt", {}, "Roles"), h("dd", { id: "profile-roles" }, roles.join(", ") || "none")),
    detailsSection(user),
    passwordSection(),
    mfaSection(user));
}

function detailsSection(user) {
  const saved = message();
  return h("section", { class: "panel", "aria-labelledby": "details-title" },
    h("h2", { id: "details-title" }, "Your name"),
    form({
      label: "Your name",
      fields: [field({ label: "Display name", name: "display_name", value: user.display_name, autocomplete: "name", required: true })],
      submit: "Save",
      onSubmit: async ({ display_name }) => {
        say(saved, "");
        await api("/auth/profile", { method: "PATCH", body: { display_name } });
        await reloadMe();
        say(saved, "Saved.");
      },
      extra: [saved],
    }));
}

function passwordSection() {
  const changed = message();
  return h("section", { class: "panel", "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, "Password"),
    form({
      label: "Change password",
      fields: [
        field({ label: "Current password", name: "current_password", type: "password", autocomplete: "current-password", required: true }),
        ...newPasswordFields("new_password"),
      ],
      submit: "Change password",
      onSubmit: async (values, element) => {
        say(changed, "");
        passwordsMatch(values, "new_password");
        await api("/auth/password/change", {
          method: "POST",
          body: { current_password: values.current_password, new_password: values.new_password },
        });
        element.reset();
        say(changed, "Your password is changed.");
      },
      extra: [changed],
    }));
}

function mfaSection(user) {
  const section = h("section", { class: "panel", "aria-labelledby": "mfa-title" });
  const fill = (enabled) => {
    if (enabled) {
      section.replaceChildren(
        h("h2", { id: "mfa-title" }, "Two-step verification"),
        h("p", { id: "mfa-state" }, h("span", { class: "ok" }, "On. "),
          "You sign in with a code from your authenticator app. If you lose the device, use a recovery code, or ask an administrator to reset it."));
      return;
    }
    const problem = message("error");
    const start = h("button", {
      type: "button",
      id: "mfa-enrol",
      onclick: async () => {
        start.disabled = true;
        say(problem, "");
        try {
          const enrolment = (await api("/auth/mfa/enrol", { method: "POST" })).data;
          section.replaceChildren(enrolmentPanel({
            enrolment,
            framed: false, // already inside this section's panel
            confirm: async (code) => (await api("/auth/mfa/enrol/confirm", { method: "POST", body: { code } })).data.recovery_codes,
            done: async () => {
              await reloadMe();
              fill(true);
            },
          }));
          section.querySelector("input").focus();
        } catch (err) {
          say(problem, describe(err));
          start.disabled = false;
        }
      },
    }, "Set up two-step verification");
    section.replaceChildren(
      h("h2", { id: "mfa-title" }, "Two-step verification"),
      h("p", { id: "mfa-state" }, "Off. Add a code from an authenticator app to your sign-in, so a stolen password is not enough."),
      problem,
      start);
  };
  fill(user.mfa_enabled);
  return section;
}
