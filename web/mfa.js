// Two-step verification panels shared by sign-in (enrolment the tenant requires) and the profile.
import { field, form, h, saveBlob } from "./ui.js";

/**
 * Scan-or-type enrolment: the QR code, the secret for manual entry, and a form for the first code.
 * `confirm(code)` resolves to the recovery codes; `done()` runs once the user has saved them.
 */
export function enrolmentPanel({ enrolment, confirm, done, submit = "Turn on two-step verification", framed = true }) {
  const panel = h("section", { class: framed ? "panel mfa-setup" : "mfa-setup", "aria-labelledby": "mfa-setup-title" });
  panel.append(
    h("h2", { id: "mfa-setup-title" }, "Set up two-step verification"),
    h("ol", { class: "steps" },
      h("li", {}, "Open an authenticator app (Microsoft Authenticator, Google Authenticator, 1Password…)."),
      h("li", {}, "Scan this QR code, or enter the key below by hand."),
      h("li", {}, "Type the 6-digit code the app shows.")),
    h("div", { class: "mfa-enrol" },
      qrImage(enrolment.qr_svg),
      h("div", {},
        h("p", { class: "hint" }, "Key for manual entry (time-based, 6 digits, 30 seconds):"),
        h("code", { class: "secret", id: "mfa-secret" }, enrolment.secret))),
    form({
      label: "Confirm two-step verification",
      fields: [codeField("code", "Code from the app")],
      submit,
      onSubmit: async ({ code }) => {
        const codes = await confirm(digits(code));
        panel.replaceWith(recoveryCodesPanel(codes, done, { framed }));
      },
    }),
  );
  return panel;
}

/** The recovery codes, shown once, with a way to keep them and a button to carry on. */
export function recoveryCodesPanel(codes, done, { framed = true } = {}) {
  const list = h("ul", { class: "recovery-codes", id: "recovery-codes" }, codes.map((code) => h("li", {}, h("code", {}, code))));
  const save = h("button", {
    type: "button",
    class: "secondary",
    onclick: () => saveBlob(new Blob([`PACT recovery codes\n\n${codes.join("\n")}\n`], { type: "text/plain" }), "pact-recovery-codes.txt"),
  }, "Download codes");
  const panel = h("section", { class: framed ? "panel" : null, "aria-labelledby": "recovery-title", tabindex: "-1" },
    h("h2", { id: "recovery-title" }, "Two-step verification is on"),
    h("p", {}, "Keep these recovery codes somewhere safe. Each one signs you in once if you lose your device. ",
      h("strong", {}, "They will not be shown again.")),
    list,
    h("div", { class: "actions" },
      h("button", { type: "button", id: "recovery-done", onclick: () => done() }, "I have saved my codes"),
      save));
  queueMicrotask(() => panel.focus());
  return panel;
}

/** A one-time code input: digits, the browser's one-time-code autofill. */
export function codeField(name, label) {
  return field({
    label, name, inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9 ]{6,7}",
    maxlength: "7", required: true, class: "code-input", "data-invalid": "Enter the 6 digits the app shows.",
  });
}

/** What the user typed, without the spaces some apps show in the middle of a code. */
export function digits(code) {
  return code.replace(/\s+/g, "");
}

// The SVG comes from our API, but it is still shown as an image, never parsed into the page:
// an <img> cannot run script, whatever the document holds.
function qrImage(svg) {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return h("img", { class: "qr", src: `data:image/svg+xml;base64,${btoa(binary)}`, alt: "QR code to scan with your authenticator app", width: "200", height: "200" });
}
