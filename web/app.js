// The app shell: the menu, the signed-in user's bar, and a hash router that loads one page module
// per view. Routes name who may open them: "public" (anyone), "signed-in", or a permission.
import { can, currentUser, isSignedIn, onSessionChange, restoreSession } from "./auth.js";
import { forbidden, h, show } from "./ui.js";

const HOME = "/health";

const ROUTES = [
  { path: "/health", title: "System health", access: "public", menu: true, load: () => import("./pages/health.js") },
  { path: "/accounts", title: "Accounts", access: "accounts:read", menu: true, load: () => import("./pages/accounts.js") },
  { path: "/accounts/new", title: "New account", access: "accounts:create", load: () => import("./pages/account-edit.js") },
  { path: "/accounts/:id", title: "Account", access: "accounts:read", load: () => import("./pages/account.js") },
  { path: "/accounts/:id/edit", title: "Edit account", access: "accounts:update", load: () => import("./pages/account-edit.js") },
  { path: "/contracts", title: "Contracts", access: "contracts:read", menu: true, load: () => import("./pages/contracts.js") },
  { path: "/contracts/new", title: "New contract", access: "contracts:create", load: () => import("./pages/contract-edit.js") },
  { path: "/contracts/:id", title: "Contract", access: "contracts:read", load: () => import("./pages/contract.js") },
  { path: "/contracts/:id/edit", title: "Edit contract", access: "contracts:update", load: () => import("./pages/contract-edit.js") },
  { path: "/distributors", title: "Distributors", access: "accounts:read", menu: true, load: () => import("./pages/distributors.js") },
  { path: "/distributors/new", title: "New distributor", access: "accounts:create", load: () => import("./pages/distributor-edit.js") },
  { path: "/distributors/:id", title: "Distributor", access: "accounts:read", load: () => import("./pages/distributor-edit.js") },
  { path: "/documents", title: "Documents", access: "documents:read", menu: true, load: () => import("./pages/documents.js") },
  { path: "/documents/upload", title: "Upload documents", access: "documents:create", load: () => import("./pages/document-upload.js") },
  { path: "/documents/:id", title: "Document", access: "documents:read", load: () => import("./pages/document.js") },
  { path: "/bundles", title: "Bundles", access: "documents:read", menu: true, load: () => import("./pages/bundles.js") },
  { path: "/bundles/new", title: "New bundle", access: "documents:create", load: () => import("./pages/bundle-edit.js") },
  { path: "/bundles/:id", title: "Bundle", access: "documents:read", load: () => import("./pages/bundle.js") },
  { path: "/bundles/:id/edit", title: "Edit bundle", access: "documents:update", load: () => import("./pages/bundle-edit.js") },
  { path: "/templates", title: "Templates", access: "templates:read", menu: true, load: () => import("./pages/templates.js") },
  { path: "/templates/upload", title: "Upload a template", access: "templates:create", load: () => import("./pages/template-upload.js") },
  { path: "/templates/:id", title: "Template", access: "templates:read", load: () => import("./pages/template.js") },
  { path: "/templates/:id/fields", title: "Template fields", access: "templates:read", load: () => import("./pages/template-fields.js") },
  { path: "/batches", title: "Batches", access: "batches:read", menu: true, load: () => import("./pages/batches.js") },
  { path: "/batches/new", title: "New batch", access: "batches:create", load: () => import("./pages/batch-new.js") },
  { path: "/batches/:id", title: "Batch", access: "batches:read", load: () => import("./pages/batch.js") },
  { path: "/users", title: "Users", access: "users:read", menu: true, load: () => import("./pages/users.js") },
  { path: "/users/invite", title: "Invite a user", access: "users:create", load: () => import("./pages/user-invite.js") },
  { path: "/users/:id", title: "User", access: "users:read", load: () => import("./pages/user-edit.js") },
  { path: "/roles", title: "Roles and permissions", access: "roles:read", menu: true, load: () => import("./pages/roles.js") },
  { path: "/roles/new", title: "New role", access: "roles:create", load: () => import("./pages/role-edit.js") },
  { path: "/roles/:id", title: "Role", access: "roles:read", load: () => import("./pages/role-edit.js") },
  { path: "/api-keys", title: "API keys", access: "settings:read", menu: true, load: () => import("./pages/api-keys.js") },
  { path: "/audit", title: "Audit log", access: "audit:read", menu: true, load: () => import("./pages/audit.js") },
  { path: "/profile", title: "Profile", access: "signed-in", load: () => import("./pages/profile.js") },
  { path: "/sign-in", title: "Sign in", access: "public", load: () => import("./pages/sign-in.js") },
  { path: "/sign-out", title: "Sign out", access: "public", load: () => import("./pages/sign-out.js") },
  { path: "/forgot-password", title: "Forgot password", access: "public", load: () => import("./pages/forgot-password.js") },
  { path: "/reset-password", title: "Reset password", access: "public", load: () => import("./pages/reset-password.js") },
  { path: "/accept-invitation", title: "Accept invitation", access: "public", load: () => import("./pages/accept-invitation.js") },
  { path: "/verify-email", title: "Verify e-mail", access: "public", load: () => import("./pages/verify-email.js") },
];

function allowed(route) {
  if (route.access === "public") return true;
  if (!isSignedIn()) return false;
  return route.access === "signed-in" || can(route.access);
}

/** The current hash as {path, query, target}: `#/users/7?tab=roles` → "/users/7", {tab: "roles"}. */
function currentLocation() {
  const raw = location.hash.replace(/^#/, "") || HOME;
  const mark = raw.indexOf("?");
  const path = mark === -1 ? raw : raw.slice(0, mark);
  const query = Object.fromEntries(new URLSearchParams(mark === -1 ? "" : raw.slice(mark + 1)));
  return { path: path === "/" ? HOME : path, query, target: raw };
}

function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params = {};
    const fits = pattern.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = decoded(parts[i]);
        return true;
      }
      return segment === parts[i];
    });
    if (fits) return { route, params };
  }
  return null;
}

function decoded(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape: the page will answer "not found" for it
  }
}

function renderMenu(current) {
  const items = ROUTES.filter((route) => route.menu && allowed(route));
  if (!isSignedIn()) items.push(ROUTES.find((route) => route.path === "/sign-in"));
  document.getElementById("menu").replaceChildren(
    ...items.map((route) =>
      h("li", {}, h("a", { href: `#${route.path}`, "aria-current": route.path === current ? "page" : null }, route.title))),
  );
}

function renderUserBar() {
  const me = currentUser();
  const bar = document.getElementById("session");
  if (!me) {
    bar.replaceChildren();
    return;
  }
  bar.replaceChildren(
    h("a", { href: "#/profile", class: "who", title: me.tenant.name }, me.user.display_name || me.user.email),
    h("a", { href: "#/sign-out", class: "sign-out" }, "Sign out"),
  );
}

let rendering = 0;

async function route() {
  const here = currentLocation();
  const found = match(here.path);
  renderMenu(found ? found.route.path : null);
  renderUserBar();
  const view = document.getElementById("view");
  const page = h("div", { class: "page" }); // a fresh container: a slow page cannot draw over the next one
  view.replaceChildren(page);
  if (!found) {
    document.title = "Not found · PACT";
    show(page, h("h1", {}, "Not found"), h("p", {}, "No page at ", h("code", {}, here.path), "."));
    return;
  }
  const { route: target, params } = found;
  if (!allowed(target) && !isSignedIn()) {
    location.replace(`#/sign-in?next=${encodeURIComponent(here.target)}`);
    return;
  }
  document.title = `${target.title} · PACT`;
  if (!allowed(target)) {
    forbidden(page);
    return;
  }
  const ticket = ++rendering;
  try {
    const module = await target.load();
    if (ticket !== rendering) return; // the user moved on while the module loaded
    await module.render(page, { ...here.query, ...params });
  } catch (err) {
    console.error(err); // a bug or a missing file (is web/vendor filled?): say so rather than go blank
    show(page, h("h1", {}, target.title), h("p", { class: "form-error", role: "alert" }, `This page could not be shown: ${err.message}`));
  }
}

onSessionChange(() => {
  const here = currentLocation();
  const found = match(here.path);
  renderUserBar();
  // Signed out (or the session expired) on a page that needs a session: go and sign in again.
  if (found && !allowed(found.route) && !isSignedIn()) route();
  else renderMenu(found ? found.route.path : null);
});

async function start() {
  await restoreSession();
  window.addEventListener("hashchange", () => {
    route();
    document.getElementById("view").focus({ preventScroll: true });
  });
  await route();
}

start();
