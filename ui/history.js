/**
 * The History view and a system's strip. The history is what get_history
 * returns (the newest 500 changes), filtered here as the user types and asked
 * again on every view-updated while it shows, so new changes appear live. An
 * entry of a system, or History in a row's menu, opens that system's strip
 * (drawn by strip.js); Back returns to where the strip was opened from. Like
 * the settings, these views take the list's place while they show.
 */

import * as ipc from './ipc.js';
import { GLYPHS, el } from './render.js';
import { renderStrip, uptimeText } from './strip.js';
import { ago, localTime } from './time.js';

const $ = (id) => document.getElementById(id);

const RANGES = {
  '24h': { start: '24 h ago', words: 'the last 24 hours' },
  '7d': { start: '7 d ago', words: 'the last 7 days' },
};

/** onClose() runs after the views are left for the list; notify(text, kind) shows a short message. */
export function createHistory({ onClose, notify }) {
  const listView = $('list-view');
  const historyView = $('history-view');
  const stripView = $('strip-view');
  const search = $('history-search');
  const entriesList = $('history-entries');
  const scroller = $('history-scroller');
  const bar = $('strip-bar');
  const rangeButtons = [...stripView.querySelectorAll('[data-range]')];

  let entries = []; // { element, haystack }, newest first
  let clocks = []; // () => void, each rewrites one relative time
  let strip = null; // the system shown: { organizationId, systemId, systemName, from: 'history' | 'list' }
  let range = '24h';
  // Only the answer to the latest question is shown; an earlier one may come later.
  let historyAsked = 0;
  let stripAsked = 0;

  function show(which) {
    listView.hidden = which !== null;
    historyView.hidden = which !== 'history';
    stripView.hidden = which !== 'strip';
    $('history-button').setAttribute('aria-pressed', String(which !== null));
  }

  /* ---- the history ---- */

  function open() {
    search.value = '';
    applyFilter(); // on what the last visit showed, until the answer comes
    show('history');
    search.focus();
    loadHistory();
  }

  async function loadHistory() {
    const asked = ++historyAsked;
    let list;
    try {
      list = await ipc.getHistory('');
    } catch (e) {
      notify(ipc.errorText(e), 'error');
      return;
    }
    if (asked === historyAsked && !historyView.hidden) showEntries(list);
  }

  function showEntries(list) {
    const scrollTop = scroller.scrollTop;
    clocks = [];
    entries = list.map(renderEntry);
    entriesList.replaceChildren(...entries.map((entry) => entry.element));
    $('history-none').hidden = entries.length > 0;
    applyFilter();
    scroller.scrollTop = scrollTop;
  }

  function renderEntry(entry) {
    const state = entry.state === null ? null : entry.state in GLYPHS ? entry.state : 'unknown';
    const ofSystem = Boolean(entry.systemId);
    const item = el('li');
    const line = el(ofSystem ? 'button' : 'div', 'entry');
    if (state) line.dataset.state = state;

    const dot = el('span', 'dot', state ? GLYPHS[state] : '');
    dot.setAttribute('aria-hidden', 'true');
    const time = el('time', 'entry-time');
    time.dateTime = entry.at;
    time.title = localTime(entry.at);
    const tick = () => {
      time.textContent = ago(entry.at);
    };
    tick();
    clocks.push(tick);
    const head = el('span', 'entry-head');
    head.append(
      el('span', 'entry-name', ofSystem ? entry.systemName : entry.organizationName),
      ofSystem ? el('span', 'entry-org', entry.organizationName) : el('span', 'entry-org entry-kind', 'organization'),
      time,
    );
    const body = el('span', 'entry-body');
    body.append(head, el('span', 'entry-text', entry.text));
    line.append(dot, body);
    item.append(line);

    if (ofSystem) {
      line.type = 'button';
      line.addEventListener('click', () => openStrip(entry, 'history'));
    }
    const haystack = [entry.systemName, entry.organizationName, entry.text].join('\n').toLocaleLowerCase();
    return { element: item, haystack };
  }

  function applyFilter() {
    const query = search.value.trim().toLocaleLowerCase();
    let shown = 0;
    for (const entry of entries) {
      entry.element.hidden = !entry.haystack.includes(query);
      if (!entry.element.hidden) shown += 1;
    }
    const noMatch = $('history-no-match');
    noMatch.hidden = !(query && entries.length > 0 && shown === 0);
    noMatch.textContent = noMatch.hidden ? '' : `No change matches “${search.value.trim()}”`;
  }

  search.addEventListener('input', () => {
    applyFilter();
    scroller.scrollTop = 0;
  });

  // The arrows move between the search box and the entries that open a strip.
  historyView.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const stops = [search, ...entriesList.querySelectorAll('li:not([hidden]) button.entry')];
    const at = stops.indexOf(document.activeElement);
    stops[Math.min(stops.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)))].focus();
  });

  setInterval(() => clocks.forEach((tick) => tick()), 15000);

  /* ---- the strip ---- */

  /** target: { organizationId, systemId, systemName, organizationName }; from: where Back goes, 'history' or 'list'. */
  function openStrip(target, from) {
    const { organizationId, systemId, systemName, organizationName } = target;
    strip = { organizationId, systemId, systemName, from };
    $('strip-name').textContent = systemName;
    $('strip-org').textContent = organizationName;
    // Nothing of the system shown before stays on screen while the new one loads.
    bar.replaceChildren();
    $('strip-legend').replaceChildren();
    $('strip-uptime').textContent = '';
    show('strip');
    rangeButtons.find((button) => button.dataset.range === range).focus();
    loadStrip();
  }

  async function loadStrip() {
    const asked = ++stripAsked;
    const { organizationId, systemId, systemName } = strip;
    for (const button of rangeButtons) button.setAttribute('aria-pressed', String(button.dataset.range === range));
    $('strip-start').textContent = RANGES[range].start;
    let answer;
    try {
      answer = await ipc.getStrip(organizationId, systemId, range);
    } catch (e) {
      notify(ipc.errorText(e), 'error');
      return;
    }
    if (asked !== stripAsked || stripView.hidden) return;
    renderStrip(bar, $('strip-legend'), answer);
    const uptime = uptimeText(answer.uptime);
    $('strip-uptime').textContent = uptime;
    bar.setAttribute('aria-label', `${systemName} over ${RANGES[range].words}: ${uptime}`);
  }

  for (const button of rangeButtons) {
    button.addEventListener('click', () => {
      range = button.dataset.range;
      loadStrip();
    });
  }

  /* ---- leaving ---- */

  /** One step back: from the strip to where it was opened from, from the history to the list. */
  function back() {
    if (!stripView.hidden && strip.from === 'history') {
      show('history');
      search.focus();
      loadHistory(); // it did not follow the updates while hidden
    } else {
      close();
    }
  }

  function close() {
    if (!isOpen()) return;
    show(null);
    onClose();
  }

  const isOpen = () => !historyView.hidden || !stripView.hidden;

  /** On view-updated: the view that shows asks again. */
  function refresh() {
    if (!historyView.hidden) loadHistory();
    else if (!stripView.hidden) loadStrip();
  }

  $('history-back').addEventListener('click', back);
  $('history-report').addEventListener('click', async () => {
    try {
      await ipc.copyReport();
      notify('The handover report of the last 12 hours is on the clipboard');
    } catch (e) {
      notify(ipc.errorText(e), 'error');
    }
  });
  $('strip-back').addEventListener('click', back);

  return { open, openStrip, back, close, refresh, isOpen };
}
