/**
 * An organization of 10,000 systems: the DOM holds the rows in view, not ten
 * thousand, and the list still does all it does for a dozen: problems first,
 * the organization's head, the keyboard and the selection across rows not
 * drawn yet, scrolling to the end, filtering, the ⋯ menu, live updates,
 * relative times, and the way back from the settings and the history.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourOf, popupSuite, row, selectedName, visibleNames } from './harness.mjs';
import { SETTINGS, STATE_TEXT, before, organization, popupModel, system } from './fixtures.mjs';

const withPopup = popupSuite();

/** At most this many rows in the DOM, whatever the number of systems. */
const FEW = 100;

const dms = (i) => `DMS ${String(i).padStart(5, '0')}`;

/**
 * `count` systems in `org`, in the Rust side's order: four that need
 * attention, then connected systems by name, `last` at the end. Some rows
 * are taller than others (a flapping tag, a longer type).
 */
function systems(count, { prefix = dms, last = 'Zanzibar Uplink' } = {}) {
  const problems = [
    system(`${prefix(1)} Tokyo`, 'noConnection', { lastSeenOnline: before(3 * 3600) }),
    system(`${prefix(2)} Ziine`, 'dmsNotResponding', { lastSeenOnline: before(29 * 60) }),
    system(`${prefix(3)} Lab`, 'unknown', { lastSeenOnline: null }),
    system(`${prefix(4)} Amsterdam`, 'ok', { redundancyDegraded: true, cloudGateways: { connected: 2, total: 3 } }),
  ];
  const daas = { type: 'dataMinerAsAService', typeText: 'DataMiner as a Service' };
  const connected = Array.from({ length: count - problems.length - 1 }, (_, i) => {
    const n = i + problems.length + 1;
    return system(prefix(n), 'ok', { ...(n % 7 === 0 ? daas : {}), flapping: n % 11 === 0 });
  });
  return [...problems, ...connected, system(last)];
}

const big = () => popupModel([organization('Skyline', systems(10_000))]);

const rowCount = (page) => page.locator('.row').count();

/** Until the list stops scrolling (the wheel scrolls smoothly, after mouse.wheel() returns). */
const settled = (page) =>
  page.waitForFunction(() => {
    const top = document.getElementById('scroller').scrollTop;
    const same = top === window.__lastScrollTop;
    window.__lastScrollTop = top;
    return same;
  }, null, { polling: 100 });

/** Whether the element is wholly inside the list's visible part. */
const inView = (locator) =>
  locator.evaluate((e) => {
    const box = e.getBoundingClientRect();
    const list = document.getElementById('scroller').getBoundingClientRect();
    return box.height > 0 && box.top >= list.top - 0.5 && box.bottom <= list.bottom + 0.5;
  });

/**
 * The rows in the DOM as names, after checking that they are one run of the
 * model's rows in its order, each below the one before without overlapping.
 */
async function drawnRun(page, view) {
  const names = view.organizations.flatMap((o) => o.systems.map((s) => s.name));
  const drawn = await page.locator('.row').evaluateAll((rows) =>
    rows.map((r) => ({ name: r.querySelector('.name').textContent, top: r.getBoundingClientRect().top, bottom: r.getBoundingClientRect().bottom })));
  assert.ok(drawn.length > 0, 'rows are drawn');
  const start = names.indexOf(drawn[0].name);
  assert.deepEqual(drawn.map((r) => r.name), names.slice(start, start + drawn.length), 'the rows in the DOM follow each other as in the model');
  drawn.slice(1).forEach((r, i) => assert.ok(r.top >= drawn[i].bottom - 0.5, `${r.name} is below ${drawn[i].name}`));
  return drawn.map((r) => r.name);
}

test('10,000 systems: a few dozen rows in the DOM, problems first, on screen fast', async (t) => {
  const view = big();
  const started = performance.now();
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    t.diagnostic(`10,000 systems: popup opened and first rows on screen in ${Math.round(performance.now() - started)} ms`);
    const count = await rowCount(page);
    assert.ok(count <= FEW, `${count} rows in the DOM`);
    t.diagnostic(`${count} rows in the DOM`);

    const shown = await visibleNames(page);
    assert.deepEqual(shown.slice(0, 4), ['DMS 00001 Tokyo', 'DMS 00002 Ziine', 'DMS 00003 Lab', 'DMS 00004 Amsterdam'], 'problems first');
    const states = await page.locator('.row').evaluateAll((rows) => rows.slice(0, 5).map((r) => r.dataset.state));
    assert.deepEqual(states, ['noConnection', 'dmsNotResponding', 'unknown', 'ok', 'ok']);
    assert.equal(await colourOf(row(page, 'DMS 00001 Tokyo').locator('.dot')), 'red');
    const head = page.locator('.org-head');
    assert.equal((await head.innerText()).replace(/\s+/g, ' '), 'SKYLINE 4 of 10000 need attention');
    assert.ok(await inView(head));
    await drawnRun(page, view);

    // A live update of all 10,000: a system lost its connection and moved to the top.
    const next = structuredClone(view);
    const [org] = next.organizations;
    const moved = org.systems.splice(9000, 1)[0];
    Object.assign(moved, { state: 'noConnection', stateText: STATE_TEXT.noConnection, lastSeenOnline: before(60) });
    org.systems.unshift(moved);
    next.lastUpdate = next.now;
    await page.evaluate((json) => { window.__next = JSON.parse(json); }, JSON.stringify(next)); // not part of the time
    const updating = performance.now();
    await page.evaluate(() => window.__fire('view-updated', window.__next));
    await row(page, moved.name).getByText(STATE_TEXT.noConnection).waitFor();
    t.diagnostic(`10,000 systems: a view-updated on screen in ${Math.round(performance.now() - updating)} ms`);
    assert.equal((await visibleNames(page))[0], moved.name);
    assert.ok((await rowCount(page)) <= FEW);
  });
});

test('10,000 systems: arrows, PageDown, End and Home move the selection through rows not drawn yet, into view', async () => {
  const view = big();
  const [org] = view.organizations;
  const ids = (name) => ({ organizationId: org.id, systemId: org.systems.find((s) => s.name === name).id });
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    assert.equal(await row(page, dms(60)).count(), 0, 'the 60th row is not drawn at first');
    for (let i = 0; i < 60; i += 1) await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), dms(60));
    assert.ok(await inView(row(page, dms(60))), 'the selection is scrolled into view');
    assert.equal(await row(page, 'DMS 00001 Tokyo').count(), 0, 'the rows scrolled far away left the DOM');

    await page.keyboard.press('PageDown');
    const paged = await selectedName(page);
    assert.ok(Number(paged.slice(4)) > 62, `PageDown moves a page (to ${paged})`);
    assert.ok(await inView(row(page, paged)));
    await page.keyboard.press('PageUp');
    assert.equal(await selectedName(page), dms(60), 'PageUp moves back as far');

    await page.keyboard.press('End');
    assert.equal(await selectedName(page), 'Zanzibar Uplink');
    assert.ok(await inView(row(page, 'Zanzibar Uplink')), 'the last system is shown');
    assert.ok(await inView(page.locator('.org-head')), "the organization's head stays on top");
    assert.ok((await rowCount(page)) <= FEW);
    await page.keyboard.press('ArrowUp');
    assert.equal(await selectedName(page), dms(9999));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), 'Zanzibar Uplink', 'the selection stops at the last row');
    await page.keyboard.press('Enter');
    assert.deepEqual(await calls('open_remote'), [{ cmd: 'open_remote', args: { ...ids('Zanzibar Uplink'), app: 'root' } }]);

    // Its menu, at the end of the list.
    const last = row(page, 'Zanzibar Uplink');
    await last.locator('.menu-button').click();
    const menu = await last.getByRole('menu').boundingBox();
    const list = await page.locator('#scroller').boundingBox();
    assert.ok(menu.y >= list.y && menu.y + menu.height <= list.y + list.height, 'the menu is fully visible');
    await last.getByRole('menuitem', { name: 'Monitoring' }).click();
    assert.deepEqual((await calls('open_remote')).at(-1).args, { ...ids('Zanzibar Uplink'), app: 'monitoring' });

    await page.keyboard.press('Home');
    assert.equal(await selectedName(page), 'DMS 00001 Tokyo');
    assert.ok(await inView(row(page, 'DMS 00001 Tokyo')));
    assert.equal(await page.locator('#scroller').evaluate((s) => s.scrollTop), 0, 'back at the top');
    await drawnRun(page, view);

    // Home and End move the caret while there is a filter to move it in.
    await page.keyboard.type('dms 0');
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    assert.equal(await page.locator('#search').evaluate((s) => s.selectionStart), 5);
    assert.equal(await selectedName(page), 'DMS 00001 Tokyo');
  });
});

test('10,000 systems: scrolling draws the rows that come into view, to the last one', async () => {
  const view = big();
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const scroller = page.locator('#scroller');
    const scrollTo = (where) => scroller.evaluate((s, w) => { s.scrollTop = w === 'end' ? s.scrollHeight : s.scrollHeight * w; }, where);

    // With the wheel, a little at a time.
    const box = await scroller.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 10; i += 1) await page.mouse.wheel(0, 400);
    await page.waitForFunction(() => document.getElementById('scroller').scrollTop >= 3000);
    await settled(page);
    const names = await drawnRun(page, view);
    assert.ok(names.some((n) => n === dms(60)), `about 60 rows down: ${names[0]} … ${names.at(-1)}`);

    // Dragging the scroll bar to the middle, and to the end.
    await scrollTo(0.5);
    await page.waitForFunction(() => [...document.querySelectorAll('.row .name')].some((n) => n.textContent.startsWith('DMS 05')));
    const middle = await drawnRun(page, view);
    assert.ok(middle.length <= FEW);
    assert.ok(await inView(row(page, middle[Math.floor(middle.length / 2)])), 'the rows drawn are the rows in view');

    await scrollTo('end');
    const last = row(page, 'Zanzibar Uplink');
    await last.waitFor();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.row')];
      const list = document.getElementById('scroller').getBoundingClientRect();
      return rows.at(-1).getBoundingClientRect().bottom <= list.bottom + 0.5;
    });
    assert.ok(await inView(last), 'the last system is shown at the end of the list');
    assert.ok(await inView(row(page, dms(9999))));
    assert.ok((await rowCount(page)) <= FEW);
    await drawnRun(page, view);

    // Back up with the wheel: the rows above come in without gaps.
    const end = await scroller.evaluate((s) => s.scrollTop);
    for (let i = 0; i < 5; i += 1) await page.mouse.wheel(0, -300);
    await page.waitForFunction((top) => document.getElementById('scroller').scrollTop <= top - 1400, end);
    await settled(page);
    const up = await drawnRun(page, view);
    assert.ok((await last.count()) === 0 || !(await inView(last)), 'the last system went out of view');
    assert.ok(await inView(row(page, up[Math.floor(up.length / 2)])));
  });
});

test('10,000 systems: typing a name finds a system far down the list', async () => {
  const view = big();
  const [org] = view.organizations;
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    await page.keyboard.type('zanzibar');
    assert.deepEqual(await visibleNames(page), ['Zanzibar Uplink']);
    assert.equal(await selectedName(page), 'Zanzibar Uplink');
    assert.ok(await inView(row(page, 'Zanzibar Uplink')));
    await page.keyboard.press('Enter');
    const zanzibar = org.systems.at(-1);
    assert.deepEqual((await calls('open_remote')).at(-1).args, { organizationId: org.id, systemId: zanzibar.id, app: 'root' });

    await page.locator('#search').fill('DMS 08765');
    assert.deepEqual(await visibleNames(page), ['DMS 08765']);

    await page.locator('#search').fill('dms 0999');
    assert.deepEqual(await visibleNames(page), Array.from({ length: 10 }, (_, i) => dms(9990 + i)));

    await page.locator('#search').fill('flapping');
    const flapping = await visibleNames(page);
    assert.equal(flapping[0], dms(11));
    assert.ok((await rowCount(page)) <= FEW, 'a filter that matches 900 systems draws a few dozen');

    await page.locator('#search').fill('');
    assert.deepEqual((await visibleNames(page)).slice(0, 2), ['DMS 00001 Tokyo', 'DMS 00002 Ziine'], 'clearing the filter shows the top again');
    assert.ok((await rowCount(page)) <= FEW);
  });
});

test('10,000 systems: relative times stay current, also in rows drawn later', async () => {
  await withPopup({ view: big(), settings: SETTINGS }, async ({ page }) => {
    const ziine = row(page, 'DMS 00002 Ziine');
    assert.match(await ziine.innerText(), /last seen online 29 minutes ago/);
    await page.clock.runFor(60_000);
    assert.match(await ziine.innerText(), /last seen online 30 minutes ago/);

    await page.keyboard.press('End');
    await page.clock.runFor(31 * 60_000);
    await page.keyboard.press('Home');
    assert.match(await row(page, 'DMS 00002 Ziine').innerText(), /last seen online 1 hour ago/, 'drawn again, with the time of now');
  });
});

test('10,000 systems: the list is back, as it was left, after the settings and the history', async () => {
  await withPopup({ view: big(), settings: SETTINGS }, async ({ page }) => {
    await page.keyboard.press('End');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Poll interval').waitFor();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    assert.ok((await rowCount(page)) > 0 && (await rowCount(page)) <= FEW);
    await page.keyboard.press('ArrowUp');
    assert.equal(await selectedName(page), dms(9999));
    assert.ok(await inView(row(page, dms(9999))));

    await page.getByRole('button', { name: 'History' }).click();
    await page.locator('#history-view').waitFor();
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#list-view').isVisible());
    await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), 'Zanzibar Uplink');
    assert.ok(await inView(row(page, 'Zanzibar Uplink')));
  });
});

test('two large organizations: each has its head, and the selection crosses from one to the other', async () => {
  const abc = (i) => `ABC ${String(i).padStart(5, '0')}`;
  const xyz = (i) => `XYZ ${String(i).padStart(5, '0')}`;
  const view = popupModel([
    organization('Alpha', systems(3000, { prefix: abc, last: 'Alpha Last' })),
    organization('Omega', systems(3000, { prefix: xyz, last: 'Omega Last' })),
  ]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const heads = page.locator('.org-head');
    assert.deepEqual(await heads.locator('.org-name').allTextContents(), ['Alpha', 'Omega']);

    // Select Alpha's last system through the filter, then clear it: the selection stays, out of sight.
    await page.keyboard.type('alpha last');
    assert.equal(await selectedName(page), 'Alpha Last');
    await page.locator('#search').fill('');
    assert.equal(await row(page, 'Alpha Last').count(), 0, 'back at the top, Alpha Last is not drawn');

    await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), `${xyz(1)} Tokyo`, "from Alpha's last system to Omega's first");
    assert.ok(await inView(row(page, `${xyz(1)} Tokyo`)));
    const omegaHead = heads.filter({ hasText: 'Omega' });
    assert.ok(await inView(omegaHead), "Omega's head is above its first system");
    await page.keyboard.press('ArrowUp');
    assert.equal(await selectedName(page), 'Alpha Last');
    assert.ok(await inView(row(page, 'Alpha Last')));

    await page.keyboard.press('End');
    assert.ok(await inView(row(page, 'Omega Last')));
    const top = await omegaHead.boundingBox();
    const list = await page.locator('#scroller').boundingBox();
    assert.ok(Math.abs(top.y - list.y) < 1, "at the end, Omega's head is on top of the list");
    assert.ok((await rowCount(page)) <= FEW);
    await drawnRun(page, view);
  });
});
