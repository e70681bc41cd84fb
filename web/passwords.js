// New-password fields (typed twice) for reset, invitation and change-password forms. The strength
// policy lives on the server; its refusal is shown on the password field.
import { ApiError } from "./api.js";
import { field } from "./ui.js";

export function newPasswordFields(name = "password", label = "New password") {
  return [
    field({
      label, name, type: "password", autocomplete: "new-password", required: true,
      hint: "At least 12 characters; a long passphrase is best. Common or easily guessed passwords are refused.",
    }),
    field({ label: "Repeat the new password", name: `${name}_confirm`, type: "password", autocomplete: "new-password", required: true }),
  ];
}

/** Refuse (as a field error) a confirmation that differs from the password. */
export function passwordsMatch(values, name = "password") {
  if (values[name] !== values[`${name}_confirm`]) {
    throw new ApiError(400, "validation_error", "The two passwords are not the same.",
      [{ field: `${name}_confirm`, message: "Type the same password twice." }]);
  }
}
