// Field rectangles between the API's PDF points and a page image on screen. A rectangle is
// {x0, y0, x1, y1} in points from the page's bottom left (y grows upwards), as the API keeps it; the
// image's origin is its top left (y grows downwards). A box on the image is kept as fractions of the
// image's size, so it is right at any zoom; points come back rounded to a tenth of a point.
// `page` is {width, height} in points, as the API gives a template's pages. No DOM here: pure functions.

export const MIN_SIDE = 4; // points: the smallest rectangle a field may have

const round = (value) => Math.round(value * 10) / 10;
const clamp = (value, low, high) => Math.min(Math.max(value, low), high);

/** The rectangle's box on the page image: {left, top, width, height} as fractions of the image. */
export function toBox(rect, page) {
  return {
    left: rect.x0 / page.width,
    top: (page.height - rect.y1) / page.height,
    width: (rect.x1 - rect.x0) / page.width,
    height: (rect.y1 - rect.y0) / page.height,
  };
}

/** A point of the image, `x` and `y` CSS pixels from its top left while it is shown `shown.width` x
 * `shown.height` pixels, in page points (not rounded, not kept on the page). */
export function toPoint(x, y, page, shown) {
  return { x: (x * page.width) / shown.width, y: page.height - (y * page.height) / shown.height };
}

/** A rectangle with its sides rounded and kept on the page. */
export function onPage(rect, page) {
  const x0 = round(clamp(rect.x0, 0, page.width));
  const y0 = round(clamp(rect.y0, 0, page.height));
  return { x0, y0, x1: round(clamp(rect.x1, x0, page.width)), y1: round(clamp(rect.y1, y0, page.height)) };
}

/** The rectangle two points span (any two opposite corners), kept on the page. */
export function spanned(a, b, page) {
  return onPage({ x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) }, page);
}

/** `rect` moved by `dx`, `dy` points (dy > 0 is up), its size kept and the whole of it on the page. */
export function moved(rect, dx, dy, page) {
  const width = rect.x1 - rect.x0;
  const height = rect.y1 - rect.y0;
  const x0 = clamp(rect.x0 + dx, 0, page.width - width);
  const y0 = clamp(rect.y0 + dy, 0, page.height - height);
  return { x0: round(x0), y0: round(y0), x1: round(x0 + width), y1: round(y0 + height) };
}

/**
 * `rect` with some of its sides moved by `dx`, `dy` points: `edges` names them by compass point as the
 * image shows the page ("n" the top, y1; "s" the bottom, y0; "e" the right, x1; "w" the left, x0; "se"
 * the bottom right corner). A side stops MIN_SIDE points short of its opposite and at the page's edge.
 */
export function resized(rect, edges, dx, dy, page) {
  let { x0, y0, x1, y1 } = rect;
  if (edges.includes("w")) x0 = clamp(x0 + dx, 0, x1 - MIN_SIDE);
  if (edges.includes("e")) x1 = clamp(x1 + dx, x0 + MIN_SIDE, page.width);
  if (edges.includes("s")) y0 = clamp(y0 + dy, 0, y1 - MIN_SIDE);
  if (edges.includes("n")) y1 = clamp(y1 + dy, y0 + MIN_SIDE, page.height);
  return { x0: round(x0), y0: round(y0), x1: round(x1), y1: round(y1) };
}

/** A rectangle `width` x `height` points centred on the page (a new field made from the keyboard). */
export function centred(page, width = 150, height = 20) {
  const w = Math.min(width, page.width);
  const h = Math.min(height, page.height);
  return onPage({ x0: (page.width - w) / 2, y0: (page.height - h) / 2, x1: (page.width + w) / 2, y1: (page.height + h) / 2 }, page);
}

/** Whether a rectangle is big enough to be a field (a click is not a drawing). */
export function bigEnough(rect) {
  return rect.x1 - rect.x0 >= MIN_SIDE && rect.y1 - rect.y0 >= MIN_SIDE;
}
