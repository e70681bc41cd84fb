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
  return (await apiResponse(path, options)).envelope;
}

/** Like api(), with the response's headers too: a record's `ETag`, to send back as `If-Match`. */
export async function apiResponse(path, options = {}) {
  const response = await send(path, options);
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    throw new ApiError(response.status, "bad_response", `Unexpected response (${response.status}).`);
  }
  if (!envelope.success) throw toError(response, envelope);
  return { envelope, headers: response.headers };
}

/**
 * A request through XMLHttpRequest, which (unlike fetch) reports upload progress: `onProgress(loaded, total)`.
 * `url` is a path under /api/v1 (sent with the bearer token, refreshed once after a 401) or, with
 * `auth: false`, any URL (e.g. a storage upload link). Resolves to {status, text, header(name)}.
 */
export async function sendWithProgress(url, { method = "POST", body, headers = {}, auth = true, onProgress } = {}) {
  let token = null;
  const attempt = () => new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, auth ? `${API_BASE}${url}` : url);
    token = auth ? credentials.accessToken() : null;
    if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    if (onProgress) request.upload.addEventListener("progress", (event) => onProgress(event.loaded, event.total));
    request.addEventListener("load", () => resolve({
      status: request.status, text: request.responseText, header: (name) => request.getResponseHeader(name),
    }));
    request.addEventListener("error", () => reject(new ApiError(0, "network_error", "The upload did not reach the server.")));
    request.addEventListener("abort", () => reject(new ApiError(0, "aborted", "The upload was cancelled.")));
    request.send(body);
  });
  let response = await attempt();
  if (response.status === 401 && token !== null) {
    const current = credentials.accessToken();
    if ((current !== null && current !== token) || (await credentials.refresh())) response = await attempt();
  }
  return response;
}

/** The envelope of a sendWithProgress() answer from the API; rejects with ApiError for an error envelope. */
export function envelopeOf(response) {
  let envelope = null;
  try {
    envelope = JSON.parse(response.text);
  } catch {
    throw new ApiError(response.status, "bad_response", `Unexpected response (${response.status}).`);
  }
  if (!envelope.success) throw toError({ status: response.status, headers: { get: response.header } }, envelope);
  return envelope;
}

/**
 * A file from the API (a CSV export, a rendered preview) as a Blob, fetched with the same credentials;
 * `method` and a JSON `body` for a file made on request. Resolves to {blob, filename}.
 */
export async function download(path, { method = "GET", body } = {}) {
  const response = await send(path, { method, body, headers: { Accept: "*/*" } });
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
