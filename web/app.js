// The app shell: a menu and a hash router that loads one page module per view.
const PAGES = [
  { path: "/health", title: "System health", load: () => import("./pages/health.js") },
];

function renderMenu(current) {
  const menu = document.getElementById("menu");
  menu.replaceChildren(
    ...PAGES.map((page) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#${page.path}`;
      link.textContent = page.title;
      if (page.path === current) link.setAttribute("aria-current", "page");
      item.append(link);
      return item;
    }),
  );
}

async function route() {
  const path = location.hash.replace(/^#/, "") || PAGES[0].path;
  const page = PAGES.find((p) => p.path === path);
  const view = document.getElementById("view");
  renderMenu(page ? page.path : null);
  if (!page) {
    view.innerHTML = `<h1>Not found</h1><p>No page at <code></code>.</p>`;
    view.querySelector("code").textContent = path;
    return;
  }
  document.title = `${page.title} · PACT`;
  const module = await page.load();
  await module.render(view);
}

window.addEventListener("hashchange", route);
route();
