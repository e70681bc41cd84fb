// Create or edit a contract. Categories come from the contract categories list.
import { api } from "../api.js";
import { CONTRACT_STATUSES, choices, editPage, recordField } from "../records.js";

export const render = editPage({
  resource: "contracts",
  entity: "contract",
  title: "Contract",
  unique: ["number"],
  back: { href: "#/contracts", label: "Back to contracts" },
  name: (contract) => contract.name,
  detail: (contract) => `#/contracts/${encodeURIComponent(contract.id)}`,
  fields: async (contract) => {
    const categories = await api("/contract-categories?page_size=200&sort=name").then(({ data }) => data).catch(() => []);
    const text = (spec) => recordField(contract, spec);
    return [
      text({ label: "Name", name: "name", required: true, maxlength: "200" }),
      text({ label: "Contract number", name: "number", required: true, maxlength: "50", hint: "Unique in your organisation." }),
      text({ label: "Supplier", name: "supplier", maxlength: "200" }),
      text({ label: "Category", name: "category_id", type: "select", options: [["", "None"], ...categories.map((c) => [c.id, c.name])] }),
      text({ label: "Tier", name: "tier", maxlength: "50" }),
      text({ label: "Status", name: "status", type: "select", options: choices(CONTRACT_STATUSES), value: "draft" }),
      text({ label: "Starts on", name: "starts_on", type: "date" }),
      text({ label: "Ends on", name: "ends_on", type: "date" }),
      text({ label: "Description", name: "description", type: "textarea", maxlength: "2000" }),
    ];
  },
});
