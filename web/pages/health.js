// System health: what /api/v1/health says about the database, storage and Redis.
import { api, ApiError } from "../api.js";

const LABELS = { database: "Database", storage: "Storage (blobs and queues)", redis: "Redis" };

export async function render(view) {
  view.innerHTML = `
    <h1>System health</h1>
    <p id="health-summary" class="muted">Checking…</p>
    <table class="grid" id="health-checks">
      <thead><tr><th>Dependency</th><th>Status</th><th>Latency</th><th>Detail</th></tr></thead>
      <tbody></tbody>
    </table>
    <button type="button" id="health-refresh">Check again</button>`;
  view.querySelector("#health-refresh").addEventListener("click", () => render(view));

  let report;
  try {
    report = (await api("/health")).data;
  } catch (err) {
    // 503 still carries the report: show which dependency is down.
    if (err instanceof ApiError && err.status === 503 && err.envelope) report = err.envelope.data;
    else {
      view.querySelector("#health-summary").textContent = `Health check failed: ${err.message}`;
      return;
    }
  }
  showReport(view, report);
}

function showReport(view, report) {
  const summary = view.querySelector("#health-summary");
  summary.textContent = report.status === "ok" ? "All systems operational." : "A dependency is down.";
  summary.className = report.status === "ok" ? "ok" : "down";
  const rows = Object.entries(report.checks).map(([name, check]) => {
    const row = document.createElement("tr");
    row.dataset.check = name;
    for (const text of [LABELS[name] || name, check.status, `${check.latency_ms} ms`, check.detail]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    row.children[1].className = `status status-${check.status}`;
    return row;
  });
  view.querySelector("#health-checks tbody").replaceChildren(...rows);
}
