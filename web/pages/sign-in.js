// Sign in: e-mail and password, then, when the account needs it, a TOTP or recovery code, or the
// enrolment in two-step verification that the tenant requires for the user's role.
import { beginMfaSetup, confirmMfaSetup, isSignedIn, signIn, verifyMfa } from "../auth.js";
import { codeField, digits, enrolmentPanel } from "../mfa.js";
import { field, form, h, show } from "../ui.js";

const HOME = "/health";

export async function render(view, params) {
  const next = safeNext(params.next);
  if (isSignedIn()) {
    location.replace(`#${next}`);
    return;
  }
  credentialsStep(view, next);
}

/** Only a path inside this app, and never back to the sign-in or sign-out pages. */
function safeNext(next) {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return HOME;
  return /^\/sign-(in|out)\b/.test(next) ? HOME : next;
}

function credentialsStep(view, next) {
  const signInForm = form({
    label: "Sign in",
    fields: [
      field({ label: "E-mail", name: "email", type: "email", autocomplete: "username", required: true }),
      field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", required: true }),
    ],
    submit: "Sign in",
    onSubmit: async ({ email, password }) => {
      const outcome = await signIn(email, password);
      if (outcome.signedIn) location.hash = next;
      else if (outcome.enrolment_required) await enrolmentStep(view, next, outcome.mfa_token);
      else codeStep(view, next, outcome.mfa_token);
    },
    extra: [h("a", { href: "#/forgot-password" }, "Forgot your password?")],
  });
  show(view, h("div", { class: "narrow" }, h("h1", {}, "Sign in"), signInForm));
  signInForm.querySelector("input").focus();
}

function codeStep(view, next, mfaToken, useRecovery = false) {
  const answer = useRecovery
    ? field({ label: "Recovery code", name: "recovery_code", autocomplete: "off", required: true, spellcheck: "false" })
    : codeField("code", "Code from your authenticator app");
  const switcher = h("button", { type: "button", class: "link", onclick: () => codeStep(view, next, mfaToken, !useRecovery) },
    useRecovery ? "Use a code from the app instead" : "Use a recovery code instead");
  const codeForm = form({
    label: "Two-step verification",
    fields: [answer],
    submit: "Verify",
    onSubmit: async (values) => {
      await verifyMfa(mfaToken, useRecovery ? { recovery_code: values.recovery_code } : { code: digits(values.code) });
      location.hash = next;
    },
    extra: [switcher],
  });
  show(view, h("div", { class: "narrow" },
    h("h1", {}, "Two-step verification"),
    h("p", {}, useRecovery
      ? "Enter one of the recovery codes you saved when you set up two-step verification. Each works once."
      : "Enter the 6-digit code from your authenticator app."),
    codeForm,
    startAgain(view, next)));
  codeForm.querySelector("input").focus();
}

async function enrolmentStep(view, next, mfaToken) {
  const enrolment = await beginMfaSetup(mfaToken); // a failure shows on the sign-in form
  const again = startAgain(view, next);
  const why = h("p", {}, "Your organisation requires two-step verification for your role. Set it up now to finish signing in.");
  show(view, h("div", { class: "narrow" },
    h("h1", {}, "Sign in"),
    why,
    enrolmentPanel({
      enrolment,
      confirm: async (code) => {
        const codes = await confirmMfaSetup(mfaToken, code);
        why.remove(); // signed in now: nothing to finish or start again
        again.remove();
        return codes;
      },
      done: () => {
        location.hash = next;
      },
      submit: "Confirm and sign in",
    }),
    again));
  view.querySelector("input").focus();
}

function startAgain(view, next) {
  return h("p", { class: "muted" },
    h("button", { type: "button", class: "link", onclick: () => credentialsStep(view, next) }, "Start again"),
    " (the sign-in expires after a few minutes).");
}
