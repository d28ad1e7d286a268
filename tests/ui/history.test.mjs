/**
 * The History view and a system's strip: reached by the History button, an
 * entry or a row's menu; filtered as the user types; live on view-updated;
 * left with Back and Escape.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourOf, luminanceOf, popupSuite, row } from './harness.mjs';
import { SETTINGS, STATE_TEXT, before, change, organization, popupModel, strip, system } from './fixtures.mjs';

const withPopup = popupSuite();

/** Two organizations and their changes, newest first. */
function scene() {
  const view = popupModel([
    organization('Skyline', [
      system('Ziine', 'dmsNotResponding'),
      system('Tokyo MCR', 'noConnection'),
      system('Lab Cluster', 'unknown'),
      system('Brussels Playout'),
    ]),
    organization('Acme Media', [system('Acme One')]),
  ]);
  const [skyline, acme] = view.organizations;
  const of = (name) => skyline.systems.find((s) => s.name === name);
  const history = [
    change(skyline, of('Ziine'), STATE_TEXT.dmsNotResponding, 'dmsNotResponding', before(15 * 60)),
    change(skyline, of('Tokyo MCR'), STATE_TEXT.noConnection, 'noConnection', before(3 * 3600)),
    change(acme, null, 'key rejected (401)', null, before(4 * 3600)),
    change(skyline, of('Lab Cluster'), 'The state of the DMS could not be determined', 'unknown', before(5 * 3600)),
    change(skyline, of('Ziine'), '1 of 3 Cloud Gateways connected', null, before(6 * 3600)),
    change(skyline, of('Brussels Playout'), 'Back online', 'ok', before(26 * 3600)),
  ];
  return { view, history, skyline, of };
}

/** Ziine's last day: a night without data, an outage, and now not responding; 18.75 of 21 known hours ok. */
const DAY = strip([['ok', 9], [null, 3], ['ok', 8], ['noConnection', 2], ['ok', 1.75], ['dmsNotResponding', 0.25]]);

/** A week with an outage of a quarter of an hour: 0.15 % of the bar. */
const WEEK = strip([['ok', 100], ['noConnection', 0.25], ['ok', 67.75]], '7d');

const openHistory = async (page) => {
  await page.getByRole('button', { name: 'History' }).click();
  await page.locator('#history-view').waitFor();
};

/** The entries on screen, in order, as [name, text]. */
const visibleEntries = (page) =>
  page.locator('#history-entries > li:visible').evaluateAll((items) =>
    items.map((item) => [item.querySelector('.entry-name').textContent, item.querySelector('.entry-text').textContent]));

/** The entry with this name and text. */
const entry = (page, name, text) =>
  page.locator('.entry').filter({ has: page.locator('.entry-name').getByText(name, { exact: true }) }).filter({ hasText: text });

/** The strip's segments from left to right (painting puts trouble last), as { colour, share, x, width }. */
async function segments(page) {
  const bar = await page.locator('#strip-bar').boundingBox();
  const found = [];
  for (const rect of await page.locator('#strip-bar rect').all()) {
    const box = await rect.boundingBox();
    found.push({ colour: await colourOf(rect, 'fill'), share: box.width / bar.width, x: box.x, width: box.width });
  }
  return found.sort((a, b) => a.x - b.x);
}

const focusedId = (page) => page.evaluate(() => document.activeElement.id);

test('the History button shows the changes, newest first, with their state, words, organization and time', async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history }, async ({ page, calls }) => {
    await openHistory(page);
    await page.locator('.entry').first().waitFor();
    assert.deepEqual(await calls('get_history'), [{ cmd: 'get_history', args: { query: '' } }]);
    assert.equal(await page.getByRole('button', { name: 'History' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#search').isVisible(), false, 'the list is out of the way');
    assert.equal(await focusedId(page), 'history-search', 'the search box has the focus');

    assert.deepEqual(await visibleEntries(page), history.map((e) => [e.systemName ?? e.organizationName, e.text]));
    const expected = [
      ['Ziine', STATE_TEXT.dmsNotResponding, 'orange', '!'],
      ['Tokyo MCR', STATE_TEXT.noConnection, 'red', '✕'],
      ['Acme Media', 'key rejected (401)', 'transparent', ''],
      ['Lab Cluster', 'determined', 'grey', '?'],
      ['Ziine', 'Cloud Gateways', 'transparent', ''],
      ['Brussels Playout', 'Back online', 'green', '✓'],
    ];
    for (const [name, text, colour, glyph] of expected) {
      const dot = entry(page, name, text).locator('.dot');
      assert.equal(await colourOf(dot), colour, `${name}: ${text}`);
      assert.equal(await dot.textContent(), glyph, `${name}: ${text}`);
    }

    const ziine = entry(page, 'Ziine', STATE_TEXT.dmsNotResponding);
    assert.equal(await ziine.locator('.entry-org').textContent(), 'Skyline');
    assert.equal(await entry(page, 'Acme Media', 'key rejected').locator('.entry-org').textContent(), 'organization');
    const time = ziine.locator('time');
    assert.equal(await time.textContent(), '15 minutes ago');
    const exact = await page.evaluate((at) => new Date(at).toLocaleTimeString(), history[0].at);
    assert.ok((await time.getAttribute('title')).includes(exact), 'the exact local time is in the tooltip');
    assert.equal(await entry(page, 'Brussels Playout', 'Back online').locator('time').textContent(), '1 day ago');

    await page.clock.runFor(60_000);
    assert.equal(await time.textContent(), '16 minutes ago', 'the times keep counting');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 380, 'no horizontal overflow');
  });
});

test('typing filters the history by system, organization and words', async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history }, async ({ page, calls }) => {
    await openHistory(page);
    await page.locator('.entry').first().waitFor();
    const all = await visibleEntries(page);

    await page.keyboard.type('ZIINE');
    assert.deepEqual((await visibleEntries(page)).map(([, text]) => text), [STATE_TEXT.dmsNotResponding, '1 of 3 Cloud Gateways connected']);
    await page.locator('#history-search').fill('acme');
    assert.deepEqual(await visibleEntries(page), [['Acme Media', 'key rejected (401)']], 'by organization');
    await page.locator('#history-search').fill('back online');
    assert.deepEqual(await visibleEntries(page), [['Brussels Playout', 'Back online']], 'by words');

    await page.locator('#history-search').fill('xyz');
    assert.deepEqual(await visibleEntries(page), []);
    assert.equal(await page.locator('#history-no-match').innerText(), 'No change matches “xyz”');
    assert.equal(await page.getByText('No changes recorded yet').isVisible(), false);

    await page.locator('#history-search').fill('');
    assert.deepEqual(await visibleEntries(page), all, 'clearing the filter shows everything again');
    assert.equal(await page.locator('#history-no-match').isVisible(), false);
    assert.equal((await calls('get_history')).length, 1, 'the page filters what it has');
  });
});

test('with nothing recorded, the history says so', async () => {
  await withPopup({ view: scene().view, settings: SETTINGS, history: [] }, async ({ page }) => {
    await openHistory(page);
    await page.getByText('No changes recorded yet').waitFor();
    assert.equal(await page.locator('.entry').count(), 0);
  });
});

test("an entry of a system opens its strip: segments as long as they lasted, in the state's colour, and the uptime", async () => {
  const { view, history, skyline, of } = scene();
  await withPopup({ view, settings: SETTINGS, history, strip: DAY }, async ({ page, calls }) => {
    await openHistory(page);
    await entry(page, 'Ziine', STATE_TEXT.dmsNotResponding).click();
    await page.locator('#strip-bar rect').first().waitFor();
    assert.deepEqual(await calls('get_strip'), [
      { cmd: 'get_strip', args: { organizationId: skyline.id, systemId: of('Ziine').id, range: '24h' } },
    ]);
    assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), 'Ziine');
    assert.equal(await page.locator('#strip-org').innerText(), 'Skyline');
    assert.equal(await page.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed'), 'true');

    const found = await segments(page);
    assert.equal(found.length, DAY.segments.length);
    // No data is a pale grey, which the light theme names white.
    assert.deepEqual(found.map((s) => s.colour), ['green', 'white', 'green', 'red', 'green', 'orange']);
    const hours = [9, 3, 8, 2, 1.75, 0.25];
    found.forEach((s, i) => assert.ok(Math.abs(s.share - hours[i] / 24) < 0.005, `segment ${i} is ${hours[i]} of 24 h wide`));

    assert.equal(await page.locator('#strip-uptime').innerText(), '89.2 % connected');
    assert.deepEqual(await page.locator('.strip-axis span').allInnerTexts(), ['24 h ago', 'now']);
    assert.deepEqual(await page.locator('.legend-item').allInnerTexts(), ['Connected', 'DMS not responding', 'No connection', 'No data']);
    assert.equal(await page.locator('#history-view').isVisible(), false);

    await page.getByRole('button', { name: 'Back', exact: true }).click();
    assert.ok(await page.locator('#history-view').isVisible(), 'Back returns to the history');
    assert.equal(await focusedId(page), 'history-search');
  });
});

test("an organization's entry has no strip to open", async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history }, async ({ page, calls }) => {
    await openHistory(page);
    const acme = entry(page, 'Acme Media', 'key rejected');
    assert.equal(await acme.evaluate((e) => e.tagName), 'DIV', 'not a button');
    await acme.click();
    assert.deepEqual(await calls('get_strip'), []);
    assert.ok(await page.locator('#history-view').isVisible());
  });
});

test('the 7 d toggle asks for a week, and a short outage in it still shows', async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history, strip: DAY }, async ({ page, calls, answer }) => {
    await openHistory(page);
    await entry(page, 'Tokyo MCR', STATE_TEXT.noConnection).click();
    await page.locator('#strip-bar rect').first().waitFor();
    await answer('get_strip', { value: WEEK });
    await page.getByRole('button', { name: '7 d' }).click();
    await page.getByText('7 d ago').waitFor();

    assert.deepEqual((await calls('get_strip')).map((c) => c.args.range), ['24h', '7d']);
    assert.equal(await page.getByRole('button', { name: '7 d' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed'), 'false');
    const found = await segments(page);
    assert.deepEqual(found.map((s) => s.colour), ['green', 'red', 'green']);
    const outage = found[1];
    assert.ok(outage.width >= 2.5, `the outage is ${outage.width} px wide`);
    const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x, y).dataset.state, [
      outage.x + outage.width / 2,
      (await page.locator('#strip-bar').boundingBox()).y + 10,
    ]);
    assert.equal(onTop, 'noConnection', 'the outage is not painted over');
    assert.equal(await page.locator('#strip-uptime').innerText(), '99.8 % connected', '99.85 % rounds down');
  });
});

test('names and words from the history are shown as text, never run as markup', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const view = popupModel([organization('<b>Acme</b>', [system(evil, 'noConnection')])]);
  const [org] = view.organizations;
  const history = [change(org, org.systems[0], '<script>alert(2)</script>', 'noConnection', before(60))];
  await withPopup({ view, settings: SETTINGS, history, strip: DAY }, async ({ page }) => {
    await openHistory(page);
    const shown = page.locator('#history-view');
    assert.ok(await shown.getByText(evil, { exact: true }).isVisible());
    assert.ok(await shown.getByText('<b>Acme</b>', { exact: true }).isVisible());
    assert.ok(await shown.getByText('<script>alert(2)</script>', { exact: true }).isVisible());
    await page.keyboard.type('<img src=z onerror=alert(3)>');
    assert.equal(await page.locator('#history-no-match').textContent(), 'No change matches “<img src=z onerror=alert(3)>”');
    await page.locator('#history-search').fill('');

    await page.locator('.entry').click();
    await page.locator('#strip-bar rect').first().waitFor();
    assert.equal(await page.locator('#strip-name').textContent(), evil);
    assert.equal(await page.locator('#strip-org').textContent(), '<b>Acme</b>');
    assert.equal(await page.locator('img, b, script:not([src])').count(), 0, 'no element was made from API text');
  });
});

test('a view-updated while the history shows asks again and shows the new change', async () => {
  const { view, history, skyline, of } = scene();
  await withPopup({ view, settings: SETTINGS, history, strip: DAY }, async ({ page, calls, answer, fire }) => {
    await openHistory(page);
    await page.locator('#history-search').fill('ziine');
    const fresh = change(skyline, of('Ziine'), 'Back online', 'ok', before(5));
    await answer('get_history', { value: [fresh, ...history] });
    await fire('view-updated', { ...view, lastUpdate: view.now });

    await entry(page, 'Ziine', 'Back online').waitFor();
    assert.equal((await visibleEntries(page))[0][1], 'Back online', 'newest first, and the filter still applies');
    assert.equal((await visibleEntries(page)).length, 3);
    assert.equal(await colourOf(entry(page, 'Ziine', 'Back online').locator('.dot')), 'green');
    assert.deepEqual((await calls('get_history')).map((c) => c.args), [{ query: '' }, { query: '' }]);

    // The strip follows the updates too; the list does not ask while it is not shown.
    await entry(page, 'Ziine', 'Back online').click();
    await page.locator('#strip-bar rect').first().waitFor();
    await fire('view-updated', view);
    assert.equal((await calls('get_strip')).length, 2);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    const asked = (await calls('get_history')).length;
    await fire('view-updated', view);
    assert.equal((await calls('get_history')).length, asked, 'closed, the history is not asked for');
  });
});

test('Escape goes back one step: strip, history, list, then hides the popup', async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history, strip: DAY }, async ({ page, calls }) => {
    await openHistory(page);
    await entry(page, 'Ziine', STATE_TEXT.dmsNotResponding).click();
    await page.locator('#strip-view').waitFor();

    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#history-view').isVisible(), 'from the strip to the history');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#list-view').isVisible(), 'from the history to the list');
    assert.equal(await page.getByRole('button', { name: 'History' }).getAttribute('aria-pressed'), 'false');
    assert.equal(await focusedId(page), 'search');
    assert.deepEqual(await calls('hide_popup'), []);
    await page.keyboard.press('Escape');
    assert.deepEqual(await calls('hide_popup'), [{ cmd: 'hide_popup', args: null }]);
  });
});

test("History in a row's menu opens that system's strip, and Back returns to the list", async () => {
  const { view, skyline, of } = scene();
  const nothing = { uptime: null, segments: [{ from: before(86400), to: before(0), state: null }] };
  await withPopup({ view, settings: SETTINGS, strip: nothing }, async ({ page, calls }) => {
    const lab = row(page, 'Lab Cluster');
    await lab.locator('.menu-button').click();
    await lab.getByRole('menuitem', { name: 'History' }).click();
    await page.locator('#strip-bar rect').first().waitFor();
    assert.deepEqual(await calls('get_strip'), [
      { cmd: 'get_strip', args: { organizationId: skyline.id, systemId: of('Lab Cluster').id, range: '24h' } },
    ]);
    assert.deepEqual(await calls('get_history'), [], 'straight to the strip');
    assert.equal(await page.locator('#strip-name').textContent(), 'Lab Cluster');
    assert.equal(await page.locator('#strip-uptime').innerText(), 'no data');
    assert.deepEqual(await page.locator('.legend-item').allInnerTexts(), ['No data']);
    assert.deepEqual(await calls('open_remote'), []);

    await page.getByRole('button', { name: 'Back', exact: true }).click();
    assert.ok(await page.locator('#list-view').isVisible(), 'Back returns to the list');
    assert.equal(await focusedId(page), 'search');

    // From the keyboard: the menu of the row after Lab Cluster, History after its three remote access items.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+F10');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#strip-view').waitFor();
    assert.equal(await page.locator('#strip-name').textContent(), 'Brussels Playout');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#list-view').isVisible(), 'Escape returns to the list too');
  });
});

test('the arrow keys move from the search box through the entries, and Enter opens one', async () => {
  const { view, history, of } = scene();
  await withPopup({ view, settings: SETTINGS, history, strip: DAY }, async ({ page, calls }) => {
    await openHistory(page);
    await page.locator('.entry').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // past the organization's entry, which opens nothing
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.locator('#strip-view').waitFor();
    assert.equal((await calls('get_strip'))[0].args.systemId, of('Tokyo MCR').id);
  });
});

test('the History and the settings take turns in place of the list', async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history }, async ({ page }) => {
    const historyButton = page.getByRole('button', { name: 'History' });
    const settingsButton = page.getByRole('button', { name: 'Settings' });
    await settingsButton.click();
    await page.getByLabel('Poll interval').waitFor();
    await historyButton.click();
    await page.locator('#history-view').waitFor();
    assert.equal(await page.locator('#settings-view').isVisible(), false);
    assert.equal(await settingsButton.getAttribute('aria-pressed'), 'false');

    await settingsButton.click();
    await page.getByLabel('Poll interval').waitFor();
    assert.equal(await page.locator('#history-view').isVisible(), false);
    assert.equal(await historyButton.getAttribute('aria-pressed'), 'false');

    await historyButton.click();
    await historyButton.click();
    assert.ok(await page.locator('#list-view').isVisible(), 'the History button closes what it opened');
  });
});

test('the history and the strip follow the dark desktop', async () => {
  const { view, history } = scene();
  await withPopup({ view, settings: SETTINGS, history, strip: DAY, colorScheme: 'dark' }, async ({ page }) => {
    await openHistory(page);
    assert.ok((await luminanceOf(page.locator('body'))) < 0.05);
    assert.equal(await colourOf(entry(page, 'Tokyo MCR', STATE_TEXT.noConnection).locator('.dot')), 'red');
    await entry(page, 'Ziine', STATE_TEXT.dmsNotResponding).click();
    await page.locator('#strip-bar rect').first().waitFor();
    const colours = (await segments(page)).map((s) => s.colour);
    assert.deepEqual(colours, ['green', 'grey', 'green', 'red', 'green', 'orange']);
  });
});
