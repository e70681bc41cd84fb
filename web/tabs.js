// Tabs (the WAI-ARIA tabs pattern): a tablist of buttons, one panel shown at a time, arrow keys to move.
// A panel is drawn the first time it is shown, so its tables load (and measure themselves) only then.
import { h, uid } from "./ui.js";

/**
 * `items`: [{key, title, render(panel)}]. Returns {element, select(key)}; put the element in the page,
 * then select() the first tab to show.
 */
export function tabs(label, items) {
  const base = uid("tabs");
  const drawn = new Set();
  const buttons = [];
  const panels = [];
  const select = (key, { focus = false } = {}) => {
    items.forEach((item, i) => {
      const chosen = item.key === key;
      buttons[i].setAttribute("aria-selected", String(chosen));
      buttons[i].tabIndex = chosen ? 0 : -1;
      panels[i].hidden = !chosen;
      if (chosen && !drawn.has(key)) {
        drawn.add(key);
        item.render(panels[i]);
      }
      if (chosen && focus) buttons[i].focus();
    });
  };
  items.forEach((item, i) => {
    const tabId = `${base}-${item.key}-tab`;
    const panelId = `${base}-${item.key}`;
    buttons.push(h("button", {
      type: "button", role: "tab", id: tabId, class: "tab", "aria-controls": panelId, "aria-selected": "false",
      dataset: { tab: item.key }, onclick: () => select(item.key),
      onkeydown: (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) select(items[(i + step + items.length) % items.length].key, { focus: true });
        else if (event.key === "Home") select(items[0].key, { focus: true });
        else if (event.key === "End") select(items[items.length - 1].key, { focus: true });
        else return;
        event.preventDefault();
      },
    }, item.title));
    panels.push(h("div", { role: "tabpanel", id: panelId, class: "tab-panel", "aria-labelledby": tabId, tabindex: "0", hidden: true }));
  });
  const element = h("div", { class: "tabs" }, h("div", { role: "tablist", "aria-label": label }, buttons), panels);
  return { element, select };
}
