// What upload pages share: a drop zone (drop files on it, or choose them), a file's line with a progress
// bar and then its outcome, and a multipart POST to the API that reports the bytes sent.
import { envelopeOf, sendWithProgress } from "./api.js";
import { bytes } from "./listing.js";
import { h } from "./ui.js";

/**
 * A drop zone with its file input (`inputId`, labelled `label`): files dropped on it or chosen go to
 * `onFiles(files)`. Keyboard users reach the input; the zone itself only adds dropping.
 */
export function dropZone({ id, inputId, title, label, multiple = true, accept = "application/pdf,.pdf", onFiles }) {
  const input = h("input", { type: "file", id: inputId, multiple, accept });
  const zone = h("div", { class: "dropzone", id },
    h("p", { class: "dropzone-title" }, title),
    h("p", { class: "muted" }, "or"),
    h("label", { for: inputId, class: "visually-hidden" }, label), input);
  input.addEventListener("change", () => {
    onFiles([...input.files]);
    input.value = ""; // choosing the same file again adds it again
  });
  for (const kind of ["dragenter", "dragover"]) {
    zone.addEventListener(kind, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    onFiles([...(event.dataTransfer?.files || [])]);
  });
  return zone;
}

/**
 * POST `file` (as the part `file`) and `fields` as multipart/form-data to `path` under /api/v1, with
 * optional `headers`. `progress(fraction)` follows the bytes sent. Resolves to the answer's `data`;
 * rejects with ApiError for an error envelope.
 */
export async function postFile(path, file, { fields = {}, headers = {}, progress = () => {} } = {}) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append("file", file, file.name);
  const answer = await sendWithProgress(path, { body, headers, onProgress: (loaded, total) => progress(total ? loaded / total : 0) });
  return envelopeOf(answer).data;
}

/** A file's line: its name and size, a progress bar, then its outcome: `finish(...nodes)` or `fail(text)`. */
export function uploadRow(file) {
  const bar = h("progress", { max: "100", value: "0", "aria-label": `Upload of ${file.name}` });
  const percent = h("span", { class: "percent" }, "Waiting");
  const outcome = h("div", { class: "outcome" });
  const element = h("li", { class: "upload-row", dataset: { file: file.name } },
    h("div", { class: "upload-name" }, h("strong", {}, file.name), h("span", { class: "muted" }, ` ${bytes(file.size)}`)),
    h("div", { class: "upload-progress" }, bar, percent),
    outcome);
  return {
    element,
    progress: (fraction) => {
      const value = Math.round(100 * Math.min(1, fraction));
      bar.value = value;
      percent.textContent = `${value}%`;
    },
    finish: (...nodes) => {
      bar.value = 100;
      element.classList.add("done");
      percent.textContent = "Uploaded";
      outcome.replaceChildren(...nodes.filter(Boolean));
    },
    fail: (text) => {
      element.classList.add("failed");
      percent.textContent = "Failed";
      outcome.replaceChildren(h("p", { class: "field-error", role: "alert" }, text));
    },
  };
}
