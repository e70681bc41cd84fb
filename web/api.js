// The one place the UI talks to the API: the /api/v1 base, the envelope, and errors.
export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${API_BASE}${path}`, init);
  } catch (err) {
    throw new ApiError(0, "network_error", "The server cannot be reached.");
  }
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    throw new ApiError(response.status, "bad_response", `Unexpected response (${response.status}).`);
  }
  if (!envelope.success) {
    const error = envelope.error || {};
    const failure = new ApiError(response.status, error.code || "error", error.message || "Request failed.", error.details);
    failure.envelope = envelope;
    throw failure;
  }
  return envelope;
}
