/**
 * Draws a system's strip: its states over a range as one bar of segments,
 * each as wide as it lasted, except that trouble is never narrower than about
 * 3 px, so that an outage of minutes still shows in 7 days. The CSP allows
 * no style from script, so the bar is an inline SVG whose rects get x and
 * width as attributes; their colours come from popup.css by data-state, as
 * the list's dots do.
 */

import { el } from './render.js';
import { localSpan } from './time.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1000; // the viewBox's; CSS stretches the bar to the window
const MIN_TROUBLE = 9; // about 3 px of the popup's bar

/** The legend's words, in its order; null is a time dms-tray was not running. */
const LABELS = new Map([
  ['ok', 'Connected'],
  ['dmsNotResponding', 'DMS not responding'],
  ['noConnection', 'No connection'],
  ['unknown', 'Unknown'],
  [null, 'No data'],
]);

/** A state of the contract, an unexpected one as unknown; null stays null. */
const known = (state) => (state === null || LABELS.has(state) ? state : 'unknown');

const trouble = (state) => state !== null && state !== 'ok';

/** Fills `bar` (the svg) with the segments of a Strip and `legend` with the states they show. */
export function renderStrip(bar, legend, { segments }) {
  const start = segments.length ? Date.parse(segments[0].from) : 0;
  const span = segments.length ? Date.parse(segments.at(-1).to) - start : 0;
  const x = (iso) => ((Date.parse(iso) - start) / span) * WIDTH;

  const rects = segments.map((segment) => {
    const state = known(segment.state);
    let left = x(segment.from);
    let width = x(segment.to) - left;
    if (trouble(state) && width < MIN_TROUBLE) {
      width = MIN_TROUBLE;
      left = Math.min(left, WIDTH - MIN_TROUBLE);
    }
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'segment');
    if (state) rect.dataset.state = state;
    rect.setAttribute('x', left.toFixed(3));
    rect.setAttribute('width', width.toFixed(3));
    rect.setAttribute('height', '1');
    const title = document.createElementNS(SVG, 'title'); // the tooltip
    title.textContent = `${LABELS.get(state)}: ${localSpan(segment.from, segment.to)}`;
    rect.append(title);
    return { rect, state };
  });
  // Trouble is painted last, so that a widened segment is not covered by the next.
  const order = (a, b) => trouble(a.state) - trouble(b.state);
  bar.replaceChildren(...rects.sort(order).map(({ rect }) => rect));

  const shown = new Set(segments.map((segment) => known(segment.state)));
  legend.replaceChildren(
    ...[...LABELS].filter(([state]) => shown.has(state)).map(([state, label]) => {
      const item = el('li', 'legend-item', label);
      if (state) item.dataset.state = state;
      return item;
    }),
  );
}

/**
 * "98.7 % connected", or "no data". Rounded down, so that a system that was
 * down at all never reads 100.0 %.
 */
export function uptimeText(uptime) {
  if (uptime === null || uptime === undefined) return 'no data';
  return `${(Math.floor(uptime * 1000 + 1e-9) / 10).toFixed(1)} % connected`;
}
