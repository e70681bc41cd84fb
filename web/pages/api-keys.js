// API keys for services: create one (the key is shown once), see when each was last used, revoke.
import { api, query } from "../api.js";
import { can } from "../auth.js";
import { loadPermissions, permissionChoices } from "../roles.js";
import { confirmButton, describe, field, form, h, heading, show, when } from "../ui.js";

export async function render(view) {
  const list = h("div", { id: "api-keys" }, h("p", { class: "muted" }, "Loading keys…"));
  const creating = h("div", { id: "api-key-create" });
  show(view,
    heading("API keys"),
    h("p", {}, "Services and integrations authenticate with an ", h("code", {}, "X-API-Key"), " header. A key has only the permissions chosen here."),
    creating,
    list);
  const refresh = () => drawList(list, refresh);
  if (can("settings:update")) await drawCreate(creating, refresh);
  await refresh();
}

async function drawList(list, refresh) {
  let keys;
  try {
    keys = (await api(`/api-keys${query({ page_size: 200, sort: "-created_at" })}`)).data;
  } catch (err) {
    list.replaceChildren(h("p", { class: "form-error", role: "alert" }, `Keys could not be loaded: ${describe(err)}`));
    return;
  }
  if (!keys.length) {
    list.replaceChildren(h("p", { class: "muted" }, "No API keys yet."));
    return;
  }
  const mayRevoke = can("settings:update");
  list.replaceChildren(h("table", { class: "grid", "aria-label": "API keys" },
    h("thead", {}, h("tr", {}, ["Name", "Key starts", "Permissions", "Expires", "Last used", "State", ""].map((title) => h("th", { scope: "col" }, title)))),
    h("tbody", {}, keys.map((key) => h("tr", { dataset: { key: key.name } },
      h("td", {}, key.name),
      h("td", {}, h("code", {}, key.prefix ? `pact_${key.prefix}_…` : "")),
      h("td", {}, (key.permissions || []).join(", ")),
      h("td", {}, when(key.expires_at) || "never"),
      h("td", {}, when(key.last_used_at) || "never"),
      h("td", {}, stateOf(key)),
      h("td", {}, mayRevoke && stateOf(key) === "active" ? confirmButton({
        label: "Revoke", question: `Revoke ${key.name}?`, danger: true,
        action: async () => {
          await api(`/api-keys/${encodeURIComponent(key.id)}/revoke`, { method: "POST" });
          await refresh();
        },
      }) : null))))));
}

function stateOf(key) {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && new Date(key.expires_at) < new Date()) return "expired";
  return "active";
}

async function drawCreate(box, refresh) {
  let catalogue;
  try {
    catalogue = await loadPermissions();
  } catch (err) {
    box.replaceChildren(h("p", { class: "form-error", role: "alert" }, `Permissions could not be loaded: ${describe(err)}`));
    return;
  }
  const creator = form({
    label: "Create an API key",
    fields: [
      field({ label: "Name", name: "name", required: true, hint: "What uses the key, e.g. “Scanner in the mail room”." }),
      field({ label: "Expires on", name: "expires_at", type: "date", hint: "Optional. Leave blank for a key that does not expire." }),
      permissionChoices(catalogue),
    ],
    submit: "Create key",
    onSubmit: async ({ name, expires_at, permissions = [] }) => {
      const body = { name, permissions };
      if (expires_at) body.expires_at = new Date(`${expires_at}T23:59:59`).toISOString();
      const created = (await api("/api-keys", { method: "POST", body })).data;
      showOnce(box, created, () => drawCreate(box, refresh));
      await refresh();
    },
  });
  box.replaceChildren(h("details", { class: "panel" }, h("summary", {}, "Create an API key"), creator));
}

/** The new key, once: the server keeps only its hash. */
function showOnce(box, created, done) {
  const copied = h("span", { role: "status", class: "muted" });
  box.replaceChildren(h("section", { class: "panel notice", "aria-labelledby": "new-key-title", tabindex: "-1" },
    h("h2", { id: "new-key-title" }, `Key “${created.name}” created`),
    h("p", {}, "Copy it now and store it where the service reads its secrets. ", h("strong", {}, "It will not be shown again.")),
    h("p", {}, h("code", { class: "secret", id: "new-api-key" }, created.key)),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try {
          await navigator.clipboard.writeText(created.key);
          copied.textContent = "Copied.";
        } catch {
          copied.textContent = "Select the key and copy it by hand.";
        }
      } }, "Copy"),
      h("button", { type: "button", onclick: done }, "Done"),
      copied)));
  box.firstChild.focus();
}
