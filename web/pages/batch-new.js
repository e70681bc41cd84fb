// A new batch, step by step: the template (indexed ones), the contract, the accounts (the contract's
// candidates in a status, or accounts chosen one by one), a preview of the first document filled with that
// account's and contract's data, then a summary to confirm. Confirming sends POST /batches and opens the
// batch's page, which follows the work.
import { ApiError, api, query } from "../api.js";
import { nameAndNumber, recordPicker } from "../pickers.js";
import { CANDIDATE_STATUSES, explain, facts, label } from "../records.js";
import { describe, h, heading, message, say, show } from "../ui.js";
import { batchHref } from "../batches.js";
import { templatePath } from "../templates.js";
import { previewPages } from "../template-preview.js";

const STEPS = ["Template", "Contract", "Accounts", "Preview", "Confirm"];
const SHOWN_CANDIDATES = 10; // names listed under the candidates choice

/** What keeps the wizard on its step, in words for the person (not a fault). */
class StepProblem extends Error {}

export async function render(view) {
  // What has been chosen so far; each step fills its part before the next is shown.
  const chosen = { template: null, contract: null, mode: "candidates", status: "eligible", counts: null, accounts: [] };
  const errors = message("error");
  const progress = h("ol", { class: "wizard-steps", "aria-label": "Steps" });
  const body = h("div", { class: "wizard-body" });

  const templatePicker = recordPicker({ label: "Template", name: "template_id", resource: "templates", filters: { status: "indexed" },
    text: (row) => `${row.name} (version ${row.version})`, none: "Choose a template", hint: "Only indexed templates are listed." });
  const contractPicker = recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber, none: "Choose a contract" });
  const accounts = accountsStep(chosen);
  const images = h("div", { class: "preview-pages", id: "batch-preview-pages" });
  const previewNote = h("p", { class: "muted", role: "status", id: "batch-preview-note" });
  const drawPreview = previewPages(images);
  const summary = h("div", { id: "batch-summary" });

  const value = (picker) => picker.querySelector("select").value;
  // Each step: its content, and what "Next" checks and loads before moving on (throws an Error to stay).
  const steps = [
    { content: [templatePicker], next: async () => {
      if (!value(templatePicker)) throw new StepProblem("Choose a template.");
      chosen.template = (await api(templatePath(value(templatePicker)))).data;
      if (chosen.template.status !== "indexed") throw new StepProblem("This template is not indexed yet: choose another, or wait for it.");
    } },
    { content: [contractPicker], next: async () => {
      if (!value(contractPicker)) throw new StepProblem("Choose a contract.");
      const id = value(contractPicker);
      const [contract, counts] = await Promise.all([api(`/contracts/${encodeURIComponent(id)}`), api(`/contracts/${encodeURIComponent(id)}/candidate-counts`)]);
      chosen.contract = contract.data;
      chosen.counts = counts.data;
    }, after: () => accounts.refresh() },
    { content: [accounts.element], next: async () => {
      if (chosen.mode === "candidates" && !chosen.counts[chosen.status]) throw new StepProblem(`The contract has no ${chosen.status} candidates: choose another status, or choose accounts.`);
      if (chosen.mode === "accounts" && !chosen.accounts.length) throw new StepProblem("Add at least one account.");
    }, after: async () => {
      say(previewNote, "Rendering the first document…");
      images.replaceChildren();
      delete images.dataset.rendered;
      const first = await firstAccount(chosen);
      const pages = await drawPreview(chosen.template, { account_id: first.id, contract_id: chosen.contract.id }, `${first.name}'s data`);
      say(previewNote, `The first document, for ${nameAndNumber(first)}: ${pages} ${pages === 1 ? "page" : "pages"}, before its codes are added.`);
    } },
    { content: [previewNote, images], next: async () => {}, after: () => {
      summary.replaceChildren(facts([
        ["Template", `${chosen.template.name} (version ${chosen.template.version})`],
        ["Contract", nameAndNumber(chosen.contract)],
        ["Accounts", chosen.mode === "candidates"
          ? `${chosen.counts[chosen.status]} ${label(chosen.status).toLowerCase()} candidates of the contract`
          : `${chosen.accounts.length} chosen ${chosen.accounts.length === 1 ? "account" : "accounts"}`],
        ["Documents", String(chosen.mode === "candidates" ? chosen.counts[chosen.status] : chosen.accounts.length)],
        ["Delivery", "Print"],
      ]));
    } },
    { content: [h("p", {}, "One document is made for each account. This page then follows the work."), summary], submit: true },
  ];

  let current = 0;
  const back = h("button", { type: "button", class: "secondary", onclick: () => go(current - 1) }, "Back");
  const next = h("button", { type: "submit", id: "wizard-next" }, "Next");
  const go = (index) => {
    current = index;
    say(errors, "");
    progress.replaceChildren(...STEPS.map((name, i) => h("li", { "aria-current": i === index ? "step" : null, class: i < index ? "done" : null }, name)));
    const legend = h("legend", { tabindex: "-1" }, `Step ${index + 1} of ${STEPS.length}: ${STEPS[index]}`);
    body.replaceChildren(h("fieldset", { class: "wizard-step" }, legend, steps[index].content));
    back.hidden = index === 0;
    next.textContent = steps[index].submit ? "Create batch" : "Next";
    legend.focus();
  };
  const wizard = h("form", { class: "wizard", "aria-label": "New batch", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    next.disabled = true;
    say(errors, "");
    try {
      if (steps[current].submit) {
        const { data } = await api("/batches", { method: "POST", body: batchRequest(chosen) });
        location.hash = batchHref(data.id);
        return;
      }
      await steps[current].next();
      go(current + 1);
      await steps[current - 1].after?.();
    } catch (err) {
      say(errors, err instanceof ApiError ? describe(explain(err, { entity: "batch" })) : err.message);
      if (!(err instanceof ApiError) && !(err instanceof StepProblem)) console.error(err);
    } finally {
      next.disabled = false;
    }
  } }, progress, errors, body, h("div", { class: "actions" }, back, next, h("a", { href: "#/batches" }, "Cancel")));
  wizard.addEventListener("change", () => say(errors, "")); // a changed choice answers the last refusal
  show(view, heading("New batch"), wizard);
  go(0);
}

/** The request for what was chosen: the shown template version is pinned. */
function batchRequest(chosen) {
  const request = { template_id: chosen.template.id, version: chosen.template.version, contract_id: chosen.contract.id, delivery: "print" };
  if (chosen.mode === "candidates") request.candidates = { status: chosen.status };
  else request.account_ids = chosen.accounts.map((account) => account.id);
  return request;
}

/** The account of the batch's first document: the first chosen, or the first candidate by account name (the batch's order). */
async function firstAccount(chosen) {
  if (chosen.mode === "accounts") return chosen.accounts[0];
  const { data } = await api(`/contracts/${encodeURIComponent(chosen.contract.id)}/candidates${query({ status: chosen.status, sort: "account_name", page_size: 1 })}`);
  if (!data.length) throw new StepProblem(`The contract has no ${chosen.status} candidates any more.`);
  return data[0].account;
}

/**
 * The accounts step: the contract's candidates in a status (with the counts, and the first names), or
 * accounts chosen one by one with a picker. `refresh()` redraws it for the chosen contract.
 */
function accountsStep(chosen) {
  const names = h("ul", { class: "candidate-names", id: "batch-candidate-names", "aria-label": "First candidates, by name" });
  const statusSelect = h("select", { id: "batch-candidate-status", name: "candidate_status" });
  const picked = h("ul", { class: "picked-accounts", id: "batch-picked-accounts", "aria-label": "Chosen accounts, in print order" });
  const picker = recordPicker({ label: "Account", name: "account_pick", resource: "accounts", text: nameAndNumber, none: "Choose an account" });
  const problem = message("error");
  const radio = (mode, text) => h("div", { class: "check" },
    h("input", { type: "radio", name: "selection", id: `batch-mode-${mode}`, value: mode, checked: chosen.mode === mode,
      onchange: () => { chosen.mode = mode; sync(); } }),
    h("label", { for: `batch-mode-${mode}` }, text));
  const candidatesBox = h("div", { class: "mode-box" },
    h("div", { class: "field" }, h("label", { for: statusSelect.id }, "Candidates in status"), statusSelect), names);
  const accountsBox = h("div", { class: "mode-box" }, picker,
    h("button", { type: "button", class: "secondary", id: "batch-add-account", onclick: async () => {
      const id = picker.querySelector("select").value;
      say(problem, "");
      if (!id) { say(problem, "Choose an account to add."); return; }
      if (chosen.accounts.some((account) => account.id === id)) { say(problem, "This account is already in the batch."); return; }
      try {
        chosen.accounts.push((await api(`/accounts/${encodeURIComponent(id)}`)).data);
        drawPicked();
      } catch (err) {
        say(problem, `The account could not be added: ${describe(err)}`);
      }
    } }, "Add account"), problem, picked);

  const drawPicked = () => picked.replaceChildren(...chosen.accounts.map((account) => h("li", {},
    nameAndNumber(account), " ",
    h("button", { type: "button", class: "secondary small", "aria-label": `Remove ${nameAndNumber(account)}`, onclick: () => {
      chosen.accounts = chosen.accounts.filter((other) => other.id !== account.id);
      drawPicked();
    } }, "Remove"))));
  const listNames = async () => {
    names.replaceChildren();
    if (!chosen.contract) return;
    try {
      const { data, meta } = await api(`/contracts/${encodeURIComponent(chosen.contract.id)}/candidates${query({ status: chosen.status, sort: "account_name", page_size: SHOWN_CANDIDATES })}`);
      const more = meta.total - data.length;
      names.replaceChildren(...data.map((row) => h("li", {}, nameAndNumber(row.account))),
        ...(more > 0 ? [h("li", { class: "muted" }, `and ${more} more`)] : []));
    } catch (err) {
      names.replaceChildren(h("li", { class: "form-error" }, `The candidates could not be listed: ${describe(err)}`));
    }
  };
  statusSelect.addEventListener("change", () => { chosen.status = statusSelect.value; listNames(); });
  const sync = () => {
    candidatesBox.hidden = chosen.mode !== "candidates";
    accountsBox.hidden = chosen.mode !== "accounts";
  };
  sync();
  return {
    element: h("div", { class: "accounts-step" },
      h("div", { role: "radiogroup", "aria-label": "Which accounts" },
        radio("candidates", "The contract's candidates in a status"), candidatesBox,
        radio("accounts", "Accounts I choose"), accountsBox)),
    refresh: () => {
      statusSelect.replaceChildren(...CANDIDATE_STATUSES.map((status) =>
        h("option", { value: status }, `${label(status)} (${chosen.counts?.[status] ?? 0})`)));
      statusSelect.value = chosen.status;
      listNames();
    },
  };
}
