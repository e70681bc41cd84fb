// The one place the UI talks to the API: the /api/v1 base, credentials, the envelope, and errors.
export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// How requests are authenticated. auth.js installs the real one; until then requests go without
// credentials, which is all the public pages need.
let credentials = {
  accessToken: () => null,
  refresh: async () => false, // get a new access token after a 401; false when the session is over
};

export function useCredentials(provider) {
  credentials = provider;
}

/** fetch() under /api/v1 with the bearer token; after a 401, refresh once and retry. Resolves to the Response. */
export async function send(path, { method = "GET", body, headers = {}, auth = true } = {}) {
  let token = null;
  const attempt = async () => {
    const init = { method, headers: { Accept: "application/json", ...headers } };
    token = auth ? credentials.accessToken() : null;
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(`${API_BASE}${path}`, init);
    } catch {
      throw new ApiError(0, "network_error", "The server cannot be reached.");
    }
  };
  let response = await attempt();
  if (response.status === 401 && token !== null) {
    // Another request may have refreshed meanwhile: then retry with its token, without rotating again.
    const current = credentials.accessToken();
    const renewed = (current !== null && current !== token) || (await credentials.refresh());
    if (renewed) response = await attempt();
  }
  return response;
}

/** A JSON request; resolves to the success envelope, rejects with ApiError for an error envelope. */
export async function api(path, options = {}) {
  const response = await send(path, options);
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    throw new ApiError(response.status, "bad_response", `Unexpected response (${response.status}).`);
  }
  if (!envelope.success) throw toError(response, envelope);
  return envelope;
}

/** A file from the API (e.g. a CSV export) as a Blob, fetched with the same credentials. */
export async function download(path) {
  const response = await send(path, { headers: { Accept: "*/*" } });
  if (!response.ok) {
    let envelope = null;
    try {
      envelope = await response.json();
    } catch {
      throw new ApiError(response.status, "bad_response", `Download failed (${response.status}).`);
    }
    throw toError(response, envelope);
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = /filename="?([^";]+)"?/i.exec(disposition);
  return { blob: await response.blob(), filename: named ? named[1] : null };
}

/** `?a=1&b=2` from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

function toError(response, envelope) {
  const error = (envelope && envelope.error) || {};
  const failure = new ApiError(response.status, error.code || "error", error.message || "Request failed.", error.details);
  failure.envelope = envelope;
  failure.retryAfter = response.headers.get("Retry-After");
  return failure;
}
