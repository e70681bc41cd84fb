// Create a distributor, or see and edit one (and delete it).
import { can } from "../auth.js";
import { DISTRIBUTOR_STATUSES, choices, editPage, recordField } from "../records.js";

export const render = editPage({
  resource: "distributors",
  entity: "distributor",
  title: "Distributor",
  unique: ["code"],
  back: { href: "#/distributors", label: "Back to distributors" },
  name: (distributor) => distributor.name,
  detail: () => "#/distributors",
  deletable: { guard: "accounts", after: "#/distributors" },
  readOnly: (distributor) => Boolean(distributor) && !can("accounts:update"),
  fields: (distributor) => {
    const text = (spec) => recordField(distributor, spec);
    return [
      text({ label: "Name", name: "name", required: true, maxlength: "200" }),
      text({ label: "Code", name: "code", required: true, maxlength: "50", hint: "Unique in your organisation." }),
      text({ label: "Status", name: "status", type: "select", options: choices(DISTRIBUTOR_STATUSES), value: "active" }),
      text({ label: "Contact e-mail", name: "contact_email", type: "email", maxlength: "320" }),
      text({ label: "Phone", name: "phone", type: "tel", maxlength: "40" }),
    ];
  },
});
