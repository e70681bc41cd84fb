// The signed-in session: tokens, the caller from /auth/me, and what they may do.
//
// The access token lives only in this module's memory. The refresh token is kept in sessionStorage
// so that a reload (or a link followed in the same tab) keeps the session; it is gone when the tab
// closes and is never shared between tabs, so two tabs never race to rotate the same token.
// docs/WEB.md explains the trade-off against XSS.
import { api, ApiError, useCredentials } from "./api.js";

const REFRESH_KEY = "pact.refresh_token";

let accessToken = null;
let me = null; // {user, tenant, roles, permissions}
let granted = new Set();
let refreshing = null; // the refresh in flight: concurrent 401s share it (a rotated token is single-use)
const listeners = new Set();

useCredentials({ accessToken: () => accessToken, refresh });

/** Call `listener(me)` whenever the session starts, changes or ends (me is null when signed out). */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isSignedIn() {
  return me !== null;
}

export function currentUser() {
  return me;
}

/** Whether the signed-in caller holds `permission` (`resource:action`). */
export function can(permission) {
  return granted.has(permission);
}

/** Pick up the session this tab already had (after a reload). Resolves to whether one was restored. */
export async function restoreSession() {
  if (me) return true;
  if (!sessionStorage.getItem(REFRESH_KEY) || !(await refresh())) return false;
  try {
    await loadMe();
    return true;
  } catch {
    return false;
  }
}

/**
 * Step one of signing in. Resolves to `{signedIn: true}`, or to the MFA challenge
 * `{mfa_required, mfa_token, enrolment_required}` when a second step is needed.
 */
export async function signIn(email, password) {
  const { data } = await api("/auth/login", { method: "POST", body: { email, password }, auth: false });
  if (data.mfa_required) return data;
  await startSession(data);
  return { signedIn: true };
}

/** The second step: a TOTP code (`{code}`) or a recovery code (`{recovery_code}`). */
export async function verifyMfa(mfaToken, answer) {
  const { data } = await api("/auth/mfa/verify", { method: "POST", body: { mfa_token: mfaToken, ...answer }, auth: false });
  await startSession(data);
}

/** For an enrolment challenge: the secret and QR code to enrol with. */
export async function beginMfaSetup(mfaToken) {
  return (await api("/auth/mfa/setup", { method: "POST", body: { mfa_token: mfaToken }, auth: false })).data;
}

/** Confirm the enrolment with a first code; signs in and resolves to the recovery codes (shown once). */
export async function confirmMfaSetup(mfaToken, code) {
  const { data } = await api("/auth/mfa/setup/confirm", { method: "POST", body: { mfa_token: mfaToken, code }, auth: false });
  await startSession(data);
  return data.recovery_codes;
}

/** Reload /auth/me (e.g. after enrolling in MFA or changing the display name). */
export async function reloadMe() {
  await loadMe();
}

/** End the session here and on the server (the refresh token is revoked, the access token denied). */
export async function signOut() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (accessToken) {
    try {
      await api("/auth/logout", { method: "POST", body: refreshToken ? { refresh_token: refreshToken } : {} });
    } catch {
      // Signed out here whatever the server says: an expired session is already over.
    }
  }
  endSession();
}

async function startSession(tokens) {
  keepTokens(tokens);
  await loadMe();
}

function keepTokens(tokens) {
  accessToken = tokens.access_token;
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
}

async function loadMe() {
  const { data } = await api("/auth/me");
  me = data;
  granted = new Set(data.permissions);
  notify();
}

function refresh() {
  refreshing ??= rotate().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function rotate() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) {
    endSession();
    return false;
  }
  try {
    const { data } = await api("/auth/refresh", { method: "POST", body: { refresh_token: refreshToken }, auth: false });
    keepTokens(data);
    return true;
  } catch (err) {
    // Refused (spent, revoked or expired): the session is over. Unreachable: keep it for a retry.
    if (!(err instanceof ApiError) || err.status !== 0) endSession();
    return false;
  }
}

function endSession() {
  const wasSignedIn = me !== null || accessToken !== null;
  accessToken = null;
  me = null;
  granted = new Set();
  sessionStorage.removeItem(REFRESH_KEY);
  if (wasSignedIn) notify();
}

function notify() {
  for (const listener of listeners) listener(me);
}
