/**
 * The list of systems as a window over the model, so that an organization
 * of 10,000 systems costs a few dozen rows. Every organization shown keeps
 * its frame in the DOM (its sticky head, its banner), but of its systems only
 * the rows in view and about a screen above and below exist as elements;
 * two spacers per organization stand in for the rows above and below them,
 * as tall as those rows are. A row's height is measured whenever it is drawn
 * and remembered (by system, across updates); a row not drawn yet counts as
 * tall as the rows like it drawn so far. While rows come and go, the first
 * row in view stays where it is on screen, and a list scrolled to its end
 * stays at its end.
 *
 * Drawing is synchronous, on scroll, on resize and on every change; never
 * on a timer or an animation frame.
 */

import { remoteOf, renderGroup, renderRow, searchText, setSpacer, stateOf } from './render.js';

/** Drawn beyond the visible part of the list, above and below, in px. */
const OVERSCAN = 1200;
/** The height of a row before any has been measured, in px. */
const GUESS = 60;

/**
 * onDraw() runs after every drawing, for what depends on which rows are in
 * the DOM (the open menu, aria-activedescendant).
 */
export function createSystemList({ list, scroller, onDraw }) {
  let groups = []; // { org, shell, all, rows, prefix, live: Map(key → entry), from, to, stale }
  let byKey = new Map(); // key → row
  let shown = []; // the rows that pass the filter, in display order
  let selectedKey = null;
  const heights = new Map(); // key → measured px, the gap below included
  const shapes = new Map(); // shape → { sum, count } of measured heights
  const rowOfElement = new WeakMap();
  let gap = null; // px below each row (its margin)
  let width = 0; // the scroller's width the heights were measured at

  /* ---- the model ---- */

  /** Rows carry what the rest of the popup needs without their element. */
  function rowsOf(org, group, counter) {
    return org.systems.map((system) => {
      const key = `${org.id}/${system.id}`;
      const { openable, reason } = remoteOf(system);
      return {
        key,
        id: `row-${counter.next++}`,
        org,
        system,
        openable,
        reason,
        group,
        haystack: searchText(org, system),
        // Rows of one shape are about as tall: the reason, the flag and the acknowledgement add a line each.
        shape: `${stateOf(system) === 'ok'}/${Boolean(reason)}/${Boolean(system.flapping)}/${Boolean(system.acknowledged)}`,
        height: heights.get(key) ?? 0,
        position: -1, // in `shown`, -1 when filtered out
        slot: -1, // in its group's rows
      };
    });
  }

  /** Shows `organizations` filtered by `query`, keeping what is in view where it is. Returns the groups shown. */
  function setModel(organizations, query) {
    const anchor = findAnchor();
    const stick = atBottom();
    const scrollTop = scroller.scrollTop;
    const counter = { next: 0 };
    groups = organizations.map((org, index) => {
      const group = { org, shell: renderGroup(org, index), live: new Map(), from: 0, to: 0, prefix: new Float64Array(1) };
      group.all = rowsOf(org, group, counter);
      return group;
    });
    byKey = new Map(groups.flatMap((group) => group.all.map((row) => [row.key, row])));
    list.replaceChildren(...groups.map((group) => group.shell.element));
    const groupsShown = applyQuery(query);
    scroller.scrollTop = scrollTop;
    draw({ anchor, stick });
    return groupsShown;
  }

  /** Filters by `query` (lower case) and shows the top of the result. Returns the groups shown. */
  function setQuery(query) {
    const groupsShown = applyQuery(query);
    scroller.scrollTop = 0;
    draw({ anchor: null, stick: false });
    return groupsShown;
  }

  function applyQuery(query) {
    shown = [];
    let groupsShown = 0;
    for (const group of groups) {
      for (const row of group.all) row.position = -1;
      group.rows = query ? group.all.filter((row) => row.haystack.includes(query)) : group.all;
      group.rows.forEach((row, slot) => {
        row.slot = slot;
        row.position = shown.length;
        shown.push(row);
      });
      for (const entry of group.live.values()) entry.element.remove();
      group.live.clear();
      group.from = 0;
      group.to = 0;
      group.stale = true;
      computePrefix(group);
      setSpacer(group.shell.top, 0);
      setSpacer(group.shell.bottom, group.prefix[group.rows.length]);
      group.shell.element.hidden = group.rows.length === 0 && !group.org.name.toLocaleLowerCase().includes(query);
      if (!group.shell.element.hidden) groupsShown += 1;
    }
    // Of the rows shown only those in view are in the DOM: each says where it is (aria-rowindex) among how many.
    list.setAttribute('aria-rowcount', String(shown.length));
    return groupsShown;
  }

  /* ---- heights ---- */

  /** The height to count for each shape of row not measured yet. */
  function guesses() {
    let sum = 0;
    let count = 0;
    for (const s of shapes.values()) {
      sum += s.sum;
      count += s.count;
    }
    const overall = count ? sum / count : GUESS;
    const cache = new Map();
    return (shape) => {
      if (!cache.has(shape)) {
        const s = shapes.get(shape);
        cache.set(shape, s ? s.sum / s.count : overall);
      }
      return cache.get(shape);
    };
  }

  /** prefix[i]: where the group's row i starts, below its first row's top. */
  function computePrefix(group) {
    const rows = group.rows;
    if (group.prefix.length !== rows.length + 1) group.prefix = new Float64Array(rows.length + 1);
    const guess = guesses();
    let y = 0;
    for (let i = 0; i < rows.length; i += 1) {
      group.prefix[i] = y;
      y += rows[i].height || guess(rows[i].shape);
    }
    group.prefix[rows.length] = y;
  }

  /** Measures a drawn row; true when its height changed. */
  function measure(entry) {
    const { row, element } = entry;
    if (gap === null) gap = parseFloat(getComputedStyle(element).marginBottom) || 0;
    const height = element.getBoundingClientRect().height + gap;
    if (Math.abs(height - row.height) < 0.01) return false;
    const s = shapes.get(row.shape) ?? { sum: 0, count: 0 };
    if (heights.has(row.key)) {
      s.sum += height - heights.get(row.key);
    } else {
      s.sum += height;
      s.count += 1;
    }
    shapes.set(row.shape, s);
    heights.set(row.key, height);
    row.height = height;
    return true;
  }

  /** Heights measured at another width no longer hold. */
  function checkWidth() {
    if (scroller.clientWidth === width) return;
    width = scroller.clientWidth;
    heights.clear();
    shapes.clear();
    for (const row of byKey.values()) row.height = 0;
    for (const group of groups) group.stale = true;
  }

  /* ---- drawing ---- */

  const liveEntry = (key) => byKey.get(key)?.group.live.get(key);

  function build(row) {
    const entry = { row, ...renderRow(row.org, row.system, row.id) };
    entry.element.setAttribute('aria-selected', String(row.key === selectedKey));
    rowOfElement.set(entry.element, row);
    return entry;
  }

  /** Where `element` is in the scrolled content, in px from its top. */
  const contentTop = (element, scrollerTop) => element.getBoundingClientRect().top - scrollerTop + scroller.scrollTop;

  /** The group's rows that reach into [from, to) of the content, as [first, end). */
  function range(group, rowsTop, from, to) {
    const p = group.prefix;
    let lo = 0;
    let hi = group.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rowsTop + p[mid + 1] > from) hi = mid;
      else lo = mid + 1;
    }
    const first = lo;
    hi = group.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rowsTop + p[mid] >= to) hi = mid;
      else lo = mid + 1;
    }
    return [first, lo];
  }

  /** Puts the group's rows that reach into [from, to) in the DOM; true when anything moved. */
  function place(group, from, to, scrollerTop) {
    computePrefix(group);
    const [first, end] = range(group, contentTop(group.shell.top, scrollerTop), from, to);
    const changed = group.stale || first !== group.from || end !== group.to;
    if (changed) {
      const wanted = group.rows.slice(first, end);
      const keep = new Set(wanted.map((row) => row.key));
      for (const [key, entry] of group.live) {
        if (!keep.has(key)) {
          entry.element.remove();
          group.live.delete(key);
        }
      }
      let cursor = group.shell.top;
      for (const row of wanted) {
        let entry = group.live.get(row.key);
        if (!entry) {
          entry = build(row);
          group.live.set(row.key, entry);
        }
        if (cursor.nextSibling !== entry.element) cursor.after(entry.element);
        cursor = entry.element;
        entry.element.setAttribute('aria-rowindex', String(row.position + 1));
      }
      group.from = first;
      group.to = end;
      group.stale = false;
    }
    let resized = false;
    for (const entry of group.live.values()) resized = measure(entry) || resized;
    if (resized) computePrefix(group);
    setSpacer(group.shell.top, group.prefix[first]);
    setSpacer(group.shell.bottom, group.prefix[group.rows.length] - group.prefix[end]);
    return changed || resized;
  }

  /** The first drawn row in view and its distance from the top of the list, or null. */
  function findAnchor() {
    const view = scroller.getBoundingClientRect();
    if (view.height === 0) return null;
    let best = null;
    for (const group of groups) {
      for (const entry of group.live.values()) {
        const box = entry.element.getBoundingClientRect();
        const offset = box.top - view.top;
        if (box.bottom > view.top && box.top < view.bottom && (!best || offset < best.offset)) {
          best = { key: entry.row.key, offset };
        }
      }
    }
    return best;
  }

  /** Scrolls so that the anchor's row is where it was. */
  function keep(anchor) {
    const entry = liveEntry(anchor.key);
    if (!entry) return;
    const delta = entry.element.getBoundingClientRect().top - scroller.getBoundingClientRect().top - anchor.offset;
    if (Math.abs(delta) >= 0.5) scroller.scrollTop += delta;
  }

  const atBottom = () =>
    scroller.scrollHeight > scroller.clientHeight && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;

  /**
   * Draws the rows in and around the view. `anchor` (by default the first
   * row in view) stays in place; with `stick`, the end of the list stays in
   * view.
   */
  function draw({ anchor = findAnchor(), stick = atBottom() } = {}) {
    if (scroller.clientHeight === 0) return; // hidden: drawn again when shown (the resize)
    checkWidth();
    // Measuring can move rows, which can bring others into view: until nothing moves.
    for (let pass = 0; pass < 4; pass += 1) {
      const scrollTop = scroller.scrollTop;
      const from = scrollTop - OVERSCAN;
      const to = scrollTop + scroller.clientHeight + OVERSCAN;
      const scrollerTop = scroller.getBoundingClientRect().top;
      let changed = false;
      for (const group of groups) {
        if (!group.shell.element.hidden) changed = place(group, from, to, scrollerTop) || changed;
      }
      if (stick) scroller.scrollTop = scroller.scrollHeight;
      else if (anchor) keep(anchor);
      if (!changed && scroller.scrollTop === scrollTop) break;
    }
    onDraw();
  }

  scroller.addEventListener('scroll', () => draw(), { passive: true });
  new ResizeObserver(() => draw()).observe(scroller);

  /* ---- rows for the rest of the popup ---- */

  /**
   * Scrolls `row` (shown, drawn or not) into view, the least that shows it
   * whole, as scrollIntoView({ block: 'nearest' }) does.
   */
  function reveal(row) {
    if (row.position < 0 || scroller.clientHeight === 0) return;
    if (!liveEntry(row.key)) {
      // Where the row is by the heights known so far; drawing it there makes it exact.
      const scrollerTop = scroller.getBoundingClientRect().top;
      const rowsTop = contentTop(row.group.shell.top, scrollerTop);
      const top = rowsTop + row.group.prefix[row.slot];
      const bottom = rowsTop + row.group.prefix[row.slot + 1];
      if (bottom > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = bottom - scroller.clientHeight;
      else if (top < scroller.scrollTop) scroller.scrollTop = top;
      draw({ anchor: null, stick: false });
    }
    const entry = liveEntry(row.key);
    if (!entry) return;
    entry.element.scrollIntoView({ block: 'nearest' });
    draw();
  }

  /** Marks the row of `key` (or none) as selected. */
  function select(key) {
    const before = selectedKey && liveEntry(selectedKey);
    if (before) before.element.setAttribute('aria-selected', 'false');
    selectedKey = key;
    const after = key && liveEntry(key);
    if (after) after.element.setAttribute('aria-selected', 'true');
  }

  /** How many rows a page is: those that fit in the view, less one to keep in sight. */
  function pageSize() {
    let sum = 0;
    let count = 0;
    for (const s of shapes.values()) {
      sum += s.sum;
      count += s.count;
    }
    return Math.max(1, Math.floor(scroller.clientHeight / (count ? sum / count : GUESS)) - 1);
  }

  function refreshTimes() {
    for (const group of groups) {
      if (group.shell.tick) group.shell.tick();
      for (const entry of group.live.values()) if (entry.tick) entry.tick();
    }
  }

  return {
    setModel,
    setQuery,
    draw,
    reveal,
    select,
    pageSize,
    refreshTimes,
    /** The rows that pass the filter, in display order; each row's `position` is its index here. */
    shown: () => shown,
    /** The row of `key` in the current model, shown or not, or undefined. */
    row: (key) => byKey.get(key),
    /** The drawn parts of a row ({ element, menuButton, menu }), or undefined when it is not in the DOM. */
    live: (row) => liveEntry(row.key),
    /** The row an element of the list is the row of. */
    rowOf: (element) => rowOfElement.get(element),
  };
}
