/**
 * Runs the popup as the webview would: ui/ served over HTTP with the app's
 * CSP as a response header, in Debian's Chromium, with window.__TAURI__
 * replaced by a stub at the IPC boundary. The stub answers commands from a
 * fixture, records every call, and lets a test fire the Rust side's events.
 * Console errors, page errors, CSP violations and dialogs are collected so
 * that a test can fail on any of them.
 */

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

/** The CSP of tauri.conf.json, minus connect-src (the IPC), which the stub does not need. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";

const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves ui/ on 127.0.0.1 at a free port. Resolves to { url, close }. */
export async function serveUi() {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(UI_DIR, path.endsWith('/') ? `${path}index.html` : path);
    try {
      if (!file.startsWith(UI_DIR)) throw new Error('outside ui/');
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Installed in the page before any of its scripts: the fake Tauri globals. */
function tauriStub({ view, settings, history, strip }) {
  const calls = [];
  const handlers = {};
  const problems = [];
  const answers = {
    get_view: { value: view },
    open_remote: { value: null },
    refresh_now: { value: null },
    hide_popup: { value: null },
    get_settings: { value: settings },
    save_settings: { value: null },
    get_history: { value: history },
    get_strip: { value: strip },
    mute_system: { value: null },
    acknowledge: { value: null },
    set_priority: { value: null },
    copy_incident_summary: { value: null },
    copy_report: { value: null },
    store_key: { value: null },
    save_organization: { value: null },
    remove_organization: { value: null },
  };
  document.addEventListener('securitypolicyviolation', (event) => {
    problems.push(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
  });
  window.__calls = calls;
  // A test may set { value } or { reject: error }; commands reject with a CommandError,
  // { field, message } (fixtures.mjs's refusal()), Tauri itself at times with a plain string.
  // With delay: ms, the answer comes once the page's paused clock has run that long.
  window.__answers = answers;
  window.__problems = problems;
  window.__fire = (name, payload) => {
    for (const handler of handlers[name] ?? []) handler({ event: name, id: 1, payload });
  };
  window.__TAURI__ = {
    core: {
      invoke(cmd, args) {
        calls.push({ cmd, args: args ?? null });
        const answer = answers[cmd];
        if (!answer) {
          problems.push(`unknown command ${cmd}`);
          return Promise.reject(`Command ${cmd} not found`); // as Tauri says it, in a string
        }
        const settle = () => ('reject' in answer ? Promise.reject(answer.reject) : Promise.resolve(structuredClone(answer.value)));
        return answer.delay ? new Promise((resolve) => setTimeout(resolve, answer.delay)).then(settle) : settle();
      },
    },
    event: {
      listen(name, handler) {
        (handlers[name] ??= []).push(handler);
        return Promise.resolve(() => {});
      },
    },
  };
}

/** What get_history and get_strip answer unless a test says otherwise: nothing recorded yet. */
const NO_HISTORY = [];
const NO_STRIP = { uptime: null, segments: [] };

/**
 * Opens the popup in a fresh context of `browser`, its clock paused at
 * view.now; history and strip are the answers of get_history and get_strip.
 * Resolves to { page, problems, calls(), fire(name, payload),
 * answer(cmd, answer), close() } once the first model is on screen.
 */
export async function openPopup(browser, baseUrl, {
  view, settings, history = NO_HISTORY, strip = NO_STRIP, colorScheme = 'light', page: path = '',
}) {
  const context = await browser.newContext({ viewport: { width: 380, height: 520 }, colorScheme, reducedMotion: 'reduce' });
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });

  const now = Date.parse(view.now);
  // A minute early: on a loaded machine, more than a second can pass before pauseAt, which cannot go back.
  await page.clock.install({ time: now - 60_000 });
  await page.clock.pauseAt(now); // time moves only when a test says so: page.clock.runFor(ms)
  await page.addInitScript(tauriStub, { view, settings, history, strip });
  const response = await page.goto(baseUrl + path);
  if (response.headers()['content-security-policy'] !== CSP) throw new Error('the CSP header is missing');
  await page.locator('.row:visible, #no-orgs:visible, #settings-view:visible').first().waitFor();

  return {
    page,
    /** Every problem the page reported so far (console, errors, CSP, dialogs, unknown commands). */
    problems: async () => [...problems, ...(await page.evaluate(() => window.__problems))],
    calls: (cmd) => page.evaluate((c) => window.__calls.filter((call) => !c || call.cmd === c), cmd),
    // The payload goes as JSON text: much faster than Playwright's serializer for a model of 10,000 systems.
    fire: (name, payload) =>
      page.evaluate(([n, p]) => window.__fire(n, p === undefined ? undefined : JSON.parse(p)), [name, JSON.stringify(payload)]),
    answer: (cmd, answer) => page.evaluate(([c, a]) => { window.__answers[c] = a; }, [cmd, answer]),
    close: () => context.close(),
  };
}

/**
 * For a test file: one server and one browser for all its tests. Returns
 * withPopup(options, body), which opens the popup, runs body(popup) and
 * then fails the test if the page reported any problem.
 */
export function popupSuite() {
  let server;
  let browser;
  before(async () => {
    server = await serveUi();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return async function withPopup(options, body) {
    const popup = await openPopup(browser, server.url, options);
    try {
      await body(popup);
      assert.deepEqual(await popup.problems(), [], 'the page reported problems');
    } finally {
      await popup.close();
    }
  };
}

/* ---- what a user sees, in words a test can assert ---- */

/** The row of the system named exactly `name`. */
export const row = (page, name) =>
  page.locator('.row').filter({ has: page.locator('.name').getByText(name, { exact: true }) });

/** The names of the rows on screen (not filtered out), in order. */
export const visibleNames = (page) => page.locator('.row:visible .name').allTextContents();

/** The name of the selected row, or null. */
export async function selectedName(page) {
  const selected = page.locator('.row[aria-selected="true"] .name');
  return (await selected.count()) ? selected.textContent() : null;
}

/** The computed background colour (or `property`, e.g. an SVG shape's fill) of an element, as a colour name a person would use. */
export async function colourOf(locator, property = 'backgroundColor') {
  const css = await locator.evaluate((e, p) => getComputedStyle(e)[p], property);
  const [r, g, b, alpha = 1] = css.match(/[\d.]+/g).map(Number).map((v, i) => (i < 3 ? v / 255 : v));
  if (alpha === 0) return 'transparent';
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 0.12) return max > 0.85 ? 'white' : max < 0.2 ? 'black' : 'grey';
  const d = max - min;
  let hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  hue = (hue * 60 + 360) % 360;
  if (hue < 15 || hue >= 340) return 'red';
  if (hue < 45) return 'orange';
  if (hue < 70) return 'yellow';
  if (hue < 170) return 'green';
  if (hue < 260) return 'blue';
  return 'purple';
}

/** Relative luminance (0 black … 1 white) of an element's computed background. */
export async function luminanceOf(locator) {
  const css = await locator.evaluate((e) => getComputedStyle(e).backgroundColor);
  const [r, g, b] = css.match(/[\d.]+/g).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
