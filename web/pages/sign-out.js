// Sign out: end the session on the server and in this tab.
import { signOut } from "../auth.js";
import { h, show } from "../ui.js";

export async function render(view) {
  show(view, h("p", { class: "muted" }, "Signing out…"));
  await signOut();
  show(view, h("div", { class: "narrow" },
    h("h1", {}, "Signed out"),
    h("p", { role: "status" }, "You have signed out of PACT."),
    h("p", {}, h("a", { href: "#/sign-in", class: "button" }, "Sign in again"))));
}
