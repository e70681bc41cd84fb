// Create or edit an account. Numbers and codes are checked here for their shape; the server checks
// everything again and its field errors land on the fields.
import { nameAndNumber, recordPicker } from "../pickers.js";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, choices, editPage, recordField } from "../records.js";
import { h } from "../ui.js";

export const render = editPage({
  resource: "accounts",
  entity: "account",
  title: "Account",
  unique: ["number"],
  back: { href: "#/accounts", label: "Back to accounts" },
  name: (account) => account.name,
  detail: (account) => `#/accounts/${encodeURIComponent(account.id)}`,
  fields: (account, params) => {
    const text = (spec) => recordField(account, spec);
    return [
      text({ label: "Name", name: "name", required: true, maxlength: "200" }),
      text({ label: "Account number", name: "number", required: true, maxlength: "50", hint: "The member account number; unique in your organisation." }),
      text({ label: "Type", name: "account_type", type: "select", options: choices(ACCOUNT_TYPES), value: "other" }),
      text({ label: "Status", name: "status", type: "select", options: choices(ACCOUNT_STATUSES), value: "active" }),
      recordPicker({ label: "Parent account", name: "parent_id", resource: "accounts", text: nameAndNumber,
        value: account ? account.parent_id || "" : params.parent_id || "", hint: "The health system this account belongs to, if any." }),
      text({ label: "GLN", name: "gln", inputmode: "numeric", pattern: "\\d{13}", "data-invalid": "A GLN is 13 digits." }),
      text({ label: "HIN", name: "hin", pattern: "[A-Za-z0-9]{9}", "data-invalid": "A HIN is 9 letters or digits." }),
      text({ label: "DEA number", name: "dea", pattern: "[A-Za-z]{2}\\d{7}", "data-invalid": "A DEA number is 2 letters then 7 digits." }),
      h("h2", { class: "form-section" }, "Address"),
      text({ label: "Address line 1", name: "address_line1", maxlength: "200", autocomplete: "address-line1" }),
      text({ label: "Address line 2", name: "address_line2", maxlength: "200", autocomplete: "address-line2" }),
      text({ label: "City", name: "city", maxlength: "100", autocomplete: "address-level2" }),
      text({ label: "State", name: "state", maxlength: "50", autocomplete: "address-level1" }),
      text({ label: "Postal code", name: "postal_code", maxlength: "20", autocomplete: "postal-code" }),
      text({ label: "Country", name: "country", maxlength: "2", pattern: "[A-Z]{2}", value: "US", hint: "Two capital letters, e.g. US.",
        "data-invalid": "Use the two-letter country code, e.g. US." }),
      h("h2", { class: "form-section" }, "Contact"),
      text({ label: "Contact name", name: "contact_name", maxlength: "200" }),
      text({ label: "Contact e-mail", name: "contact_email", type: "email", maxlength: "320" }),
      text({ label: "Phone", name: "phone", type: "tel", maxlength: "40" }),
    ];
  },
});
