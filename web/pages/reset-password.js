// Reset password with the one-time token from the e-mailed link (#/reset-password?token=...).
import { api } from "../api.js";
import { form, h, show } from "../ui.js";
import { newPasswordFields, passwordsMatch } from "../passwords.js";

export async function render(view, { token }) {
  if (!token) {
    show(view, h("div", { class: "narrow" },
      h("h1", {}, "Reset password"),
      h("p", {}, "This link is incomplete. Open the link from the e-mail again, or ", h("a", { href: "#/forgot-password" }, "ask for a new one"), ".")));
    return;
  }
  const reset = form({
    label: "Choose a new password",
    fields: newPasswordFields(),
    submit: "Set new password",
    onSubmit: async (values, element) => {
      passwordsMatch(values);
      await api("/auth/password/reset", { method: "POST", body: { token, password: values.password }, auth: false });
      show(view, h("div", { class: "narrow" },
        h("h1", {}, "Password changed"),
        h("p", { role: "status" }, "Your new password is set. Sign in with it now."),
        h("p", {}, h("a", { href: "#/sign-in", class: "button" }, "Sign in"))));
    },
  });
  show(view, h("div", { class: "narrow" }, h("h1", {}, "Choose a new password"), reset));
  reset.querySelector("input").focus();
}
