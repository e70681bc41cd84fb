// PDF pages drawn on canvases with pdf.js (served from /vendor, its worker too, so `script-src 'self'`
// holds). The bytes are fetched by the caller with its credentials and handed over: pdf.js never
// fetches the document itself.
import { GlobalWorkerOptions, getDocument } from "/vendor/pdfjs/pdf.min.js";
import { h } from "./ui.js";

GlobalWorkerOptions.workerSrc = "/vendor/pdfjs/pdf.worker.min.js";

const OPTIONS = {
  isEvalSupported: false, // the CSP forbids eval; pdf.js would otherwise try it for some fonts
  standardFontDataUrl: "/vendor/pdfjs/standard_fonts/",
  cMapUrl: "/vendor/pdfjs/cmaps/",
  cMapPacked: true,
};

/**
 * Draw the first `maxPages` pages of the PDF in `bytes` (an ArrayBuffer) into `container`, each as a
 * canvas `width` CSS pixels wide. Resolves to {pages: the document's page count, shown}.
 */
export async function renderPdf(container, bytes, { maxPages = 10, width = 640 } = {}) {
  const loading = getDocument({ ...OPTIONS, data: new Uint8Array(bytes) });
  const pdf = await loading.promise;
  try {
    const shown = Math.min(pdf.numPages, maxPages);
    const ratio = window.devicePixelRatio || 1;
    for (let number = 1; number <= shown; number += 1) {
      const page = await pdf.getPage(number);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const canvas = h("canvas", { class: "pdf-page", role: "img", "aria-label": `Page ${number} of ${pdf.numPages}` });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
      container.append(h("figure", { class: "pdf-figure" }, canvas, h("figcaption", { class: "muted" }, `Page ${number}`)));
      await page.render({ canvas, viewport }).promise;
      page.cleanup();
    }
    return { pages: pdf.numPages, shown };
  } finally {
    await loading.destroy();
  }
}
