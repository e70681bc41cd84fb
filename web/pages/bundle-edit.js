// Create a bundle or change its name, status and links; its documents are ordered on its own page.
import { nameAndNumber, recordPicker } from "../pickers.js";
import { BUNDLE_STATUSES, choices, editPage, recordField } from "../records.js";

export const render = editPage({
  resource: "bundles",
  entity: "bundle",
  title: "Bundle",
  back: { href: "#/bundles", label: "Back to bundles" },
  name: (bundle) => bundle.name,
  detail: (bundle) => `#/bundles/${encodeURIComponent(bundle.id)}`,
  fields: (bundle, params) => {
    const text = (spec) => recordField(bundle, spec);
    return [
      text({ label: "Name", name: "name", required: true, maxlength: "200" }),
      text({ label: "Status", name: "status", type: "select", options: choices(BUNDLE_STATUSES), value: "open" }),
      recordPicker({ label: "Account", name: "account_id", resource: "accounts", text: nameAndNumber,
        value: bundle ? bundle.account_id || "" : params.account_id || "" }),
      recordPicker({ label: "Contract", name: "contract_id", resource: "contracts", text: nameAndNumber,
        value: bundle ? bundle.contract_id || "" : params.contract_id || "" }),
      text({ label: "Description", name: "description", type: "textarea", maxlength: "2000" }),
    ];
  },
});
