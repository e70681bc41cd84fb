// Verify an e-mail address with the one-time token from the link (#/verify-email?token=...).
import { api } from "../api.js";
import { describe, h, show } from "../ui.js";

export async function render(view, { token }) {
  show(view, h("h1", {}, "Verify e-mail"), h("p", { class: "muted" }, "Checking your link…"));
  if (!token) {
    show(view, h("h1", {}, "Verify e-mail"), h("p", { role: "alert" }, "This link is incomplete. Open the link from the e-mail again."));
    return;
  }
  try {
    await api("/auth/verify-email", { method: "POST", body: { token }, auth: false });
  } catch (err) {
    show(view, h("div", { class: "narrow" },
      h("h1", {}, "Verify e-mail"),
      h("p", { role: "alert", class: "form-error" }, `We could not verify your e-mail: ${describe(err)}`)));
    return;
  }
  show(view, h("div", { class: "narrow" },
    h("h1", {}, "E-mail verified"),
    h("p", { role: "status" }, "Thank you: your address is confirmed. You can sign in now."),
    h("p", {}, h("a", { href: "#/sign-in", class: "button" }, "Sign in"))));
}
