// Forgot password: ask for a reset link by e-mail. The answer is the same whether or not the
// address has an account, so the page never reveals which e-mails exist.
import { api } from "../api.js";
import { field, form, h, show } from "../ui.js";

export async function render(view) {
  const request = form({
    label: "Reset your password",
    fields: [field({ label: "E-mail", name: "email", type: "email", autocomplete: "username", required: true })],
    submit: "Send reset link",
    onSubmit: async ({ email }) => {
      await api("/auth/password/forgot", { method: "POST", body: { email }, auth: false });
      show(view, h("div", { class: "narrow" },
        h("h1", {}, "Check your e-mail"),
        h("p", { role: "status" }, "If an account uses that address, a link to reset the password is on its way. The link works once and expires soon."),
        h("p", {}, h("a", { href: "#/sign-in" }, "Back to sign in"))));
    },
    extra: [h("a", { href: "#/sign-in" }, "Back to sign in")],
  });
  show(view, h("div", { class: "narrow" },
    h("h1", {}, "Forgot your password?"),
    h("p", {}, "Enter the e-mail you sign in with and we will send you a link to choose a new password."),
    request));
  request.querySelector("input").focus();
}
