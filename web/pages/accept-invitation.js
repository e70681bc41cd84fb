// Accept an invitation (#/accept-invitation?token=...): choose a name and a password, then sign in.
import { api } from "../api.js";
import { field, form, h, show } from "../ui.js";
import { newPasswordFields, passwordsMatch } from "../passwords.js";

export async function render(view, { token }) {
  if (!token) {
    show(view, h("div", { class: "narrow" },
      h("h1", {}, "Accept invitation"),
      h("p", {}, "This link is incomplete. Open the link from the invitation e-mail again.")));
    return;
  }
  const accept = form({
    label: "Accept invitation",
    fields: [
      field({ label: "Your name", name: "display_name", autocomplete: "name", hint: "Leave blank to keep the name your administrator entered." }),
      ...newPasswordFields(),
    ],
    submit: "Create my account",
    onSubmit: async (values, element) => {
      passwordsMatch(values);
      const body = { token, password: values.password };
      if (values.display_name) body.display_name = values.display_name;
      await api("/auth/invitations/accept", { method: "POST", body, auth: false });
      show(view, h("div", { class: "narrow" },
        h("h1", {}, "Welcome to PACT"),
        h("p", { role: "status" }, "Your account is ready. Sign in with your e-mail and the password you chose."),
        h("p", {}, h("a", { href: "#/sign-in", class: "button" }, "Sign in"))));
    },
  });
  show(view, h("div", { class: "narrow" },
    h("h1", {}, "Accept your invitation"),
    h("p", {}, "You have been invited to PACT. Choose a password to finish creating your account."),
    accept));
  accept.querySelector("input").focus();
}
