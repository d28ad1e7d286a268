/**
 * What the popup shows: states, flapping, organizations, banners, times, live updates,
 * untrusted names, light and dark.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourOf, luminanceOf, popupSuite, row, selectedName, visibleNames } from './harness.mjs';
import { SETTINGS, STATE_TEXT, before, fourStates, organization, popupModel, realistic, system } from './fixtures.mjs';

const withPopup = popupSuite();

test('a system on a single Cloud Gateway is marked, and an organization on several versions says so', async () => {
  const view = popupModel([
    organization(
      'Skyline',
      [
        system('Gent', 'ok', { cloudGateways: { connected: 1, total: 1 }, singleGateway: true }),
        system('Oslo', 'ok', { cloudGateways: { connected: 2, total: 2 } }),
      ],
      { versions: 'Runs DataMiner 10.4.12 and 10.5.1' },
    ),
    organization('Lab', [system('Lab Cluster', 'ok')]),
  ]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const text = async (name) => (await row(page, name).innerText()).replace(/\s+/g, ' ');
    assert.match(await text('Gent'), /1\/1 Cloud Gateways · no Cloud Gateway redundancy/);
    assert.doesNotMatch(await text('Oslo'), /redundancy/);
    const marker = row(page, 'Gent').locator('.single-gateway');
    assert.match(await marker.getAttribute('title'), /recommends more than one Cloud Gateway/);
    assert.equal(await colourOf(marker, 'color'), 'grey', 'information in the quiet grey, not a warning');
    const notes = await page.locator('.org-versions').allInnerTexts();
    assert.deepEqual(notes, ['Runs DataMiner 10.4.12 and 10.5.1'], 'only the organization on several versions');
  });
});

test('each state shows its colour, its glyph and its words', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    const expected = [
      ['Tokyo MCR', 'red', '✕', STATE_TEXT.noConnection],
      ['Ziine', 'orange', '!', STATE_TEXT.dmsNotResponding],
      ['Lab Cluster', 'grey', '?', STATE_TEXT.unknown],
      ['Brussels Playout', 'green', '✓', STATE_TEXT.ok],
    ];
    assert.deepEqual(await visibleNames(page), expected.map(([name]) => name), 'the order of the Rust side is kept');
    for (const [name, colour, glyph, words] of expected) {
      const r = row(page, name);
      assert.equal(await colourOf(r.locator('.dot')), colour, `${name}'s dot`);
      assert.equal(await r.locator('.dot').textContent(), glyph, `${name}'s glyph`);
      assert.ok(await r.getByText(words, { exact: true }).isVisible(), `${name} says "${words}"`);
    }
  });
});

test('a row tells when the system was last seen, its Cloud Gateways, type and version', async () => {
  const view = fourStates();
  const [, ziine, , brussels] = view.organizations[0].systems;
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const text = async (name) => (await row(page, name).innerText()).replace(/\s+/g, ' ');
    assert.match(await text('Tokyo MCR'), /last seen online 3 hours ago · 0\/2 Cloud Gateways/);
    assert.match(await text('Ziine'), /last seen online 29 minutes ago · 2\/3 Cloud Gateways/);
    assert.match(await text('Lab Cluster'), /never seen online/);
    assert.doesNotMatch(await text('Brussels Playout'), /seen online/, 'a connected system has no "last seen"');
    assert.ok((await text('Brussels Playout')).includes(`3/3 Cloud Gateways · ${brussels.typeText} · 10.6.2.0-16001`));

    assert.equal(await row(page, 'Ziine').getAttribute('title'), `Ziine\n${ziine.typeText} · DataMiner 10.5.1.0-15231`);

    // Ziine's redundancy is degraded: its gateway count stands out from Tokyo's.
    const look = (name) =>
      row(page, name).locator('.gateways').evaluate((e) => `${getComputedStyle(e).color} ${getComputedStyle(e).fontWeight}`);
    assert.notEqual(await look('Ziine'), await look('Tokyo MCR'));
  });
});

test('the header and each organization say what needs attention', async () => {
  const view = popupModel([
    organization('Skyline', fourStates().organizations[0].systems),
    organization('Acme', [system('Acme One'), system('Acme Two')]),
  ]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    assert.equal(await page.locator('#summary').textContent(), '3 of 6 systems need attention');
    const heads = await page.locator('.org-head').evaluateAll((hs) => hs.map((h) => h.innerText.replace(/\s+/g, ' ')));
    assert.deepEqual(heads, ['SKYLINE 3 of 4 need attention', 'ACME all 2 connected']);
  });
});

test("an organization's head says what the Rust side sums it up as, word for word", async () => {
  const view = popupModel([
    organization('Skyline', fourStates().organizations[0].systems, { summary: '3 of 4 need attention, 1 muted' }),
    organization('Acme', [system('Acme One')], { summary: 'connected since Monday' }),
    organization('Empty', [], { summary: 'nothing to watch yet' }),
  ]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const counts = page.locator('.org-count');
    assert.deepEqual(await counts.allTextContents(), ['3 of 4 need attention, 1 muted', 'connected since Monday', 'nothing to watch yet']);
    // Attention stands out from the others.
    const weight = (i) => counts.nth(i).evaluate((e) => getComputedStyle(e).fontWeight);
    assert.notEqual(await weight(0), await weight(1));
  });
});

test('an organization that cannot be polled shows a banner and its systems as unknown', async () => {
  const error = { kind: 'serviceError', message: 'dataminer.services error 503', since: before(60) };
  const view = popupModel([
    organization('Skyline', [system('Partner Hub', 'unknown'), system('Partner Backup', 'unknown')], {
      error,
      lastGoodAt: before(5 * 60),
    }),
    organization('Acme', [], { error: { ...error, message: 'key rejected' }, lastGoodAt: null }),
  ], { level: 'organizationError' });
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const banners = await page.locator('.org-error').evaluateAll((bs) => bs.map((b) => b.innerText.replace(/\s+/g, ' ')));
    assert.deepEqual(banners, [
      'dataminer.services error 503 systems shown as unknown · last good data 5 minutes ago',
      'key rejected systems shown as unknown · no data yet',
    ]);
    for (const name of ['Partner Hub', 'Partner Backup']) {
      assert.equal(await colourOf(row(page, name).locator('.dot')), 'grey');
      assert.equal(await row(page, name).locator('.dot').textContent(), '?');
      assert.ok(await row(page, name).getByText(STATE_TEXT.unknown).isVisible());
    }
  });
});

test('names and messages from the API are shown as text, never run as markup', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const view = popupModel([
    organization('<b>Acme</b>', [system(evil, 'noConnection', { remote: { openable: false, reason: '<i>no</i>' } })], {
      error: { kind: 'serviceError', message: '<script>alert(2)</script>', since: before(1) },
    }),
  ], { summary: '<u>1</u> of 1', demo: { configPath: '<img src=y onerror=alert(3)>' } });
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    assert.equal(await row(page, evil).locator('.name').textContent(), evil);
    assert.ok(await page.getByText(evil, { exact: true }).isVisible());
    assert.ok(await page.getByText('<b>Acme</b>', { exact: true }).isVisible());
    assert.ok(await page.getByText('<script>alert(2)</script>', { exact: true }).isVisible());
    assert.ok(await page.getByText('<i>no</i>', { exact: true }).isVisible());
    assert.equal(await page.locator('#summary').textContent(), '<u>1</u> of 1');

    await page.keyboard.type('<img src=z onerror=alert(4)>');
    assert.equal(await page.locator('#no-match').textContent(), 'No system matches “<img src=z onerror=alert(4)>”');

    assert.equal(await page.locator('img, b, i, u, script:not([src])').count(), 0, 'no element was made from API text');
    // A dialog (alert) would be one of the problems withPopup fails on.
  });
});

test('the demo shows a banner that says where the configuration goes', async () => {
  const demo = { ...fourStates(), demo: { configPath: '/home/u/.config/dms-tray/config.toml' } };
  await withPopup({ view: demo, settings: SETTINGS }, async ({ page }) => {
    const banner = page.locator('#demo-banner');
    assert.ok(await banner.isVisible());
    assert.match(await banner.innerText(), /simulated organization/);
    assert.match(await banner.innerText(), /\/home\/u\/\.config\/dms-tray\/config\.toml/);
  });
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    assert.equal(await page.locator('#demo-banner').isVisible(), false, 'no banner outside the demo');
  });
});

test('with no organization, the popup says so and where to add one', async () => {
  const view = popupModel([], { summary: 'No organizations configured', level: 'noOrganizations' });
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const empty = page.locator('#no-orgs');
    await page.getByText(SETTINGS.configPath).waitFor();
    assert.match(await empty.innerText(), /No organizations configured/);
    assert.equal(await page.locator('.row').count(), 0);
  });
});

test('the footer says how long ago the data came, and keeps counting', async () => {
  await withPopup({ view: { ...fourStates(), lastUpdate: before(12) }, settings: SETTINGS }, async ({ page }) => {
    const footer = page.locator('#updated');
    assert.equal(await footer.textContent(), 'updated 12 s ago');
    await page.clock.runFor(1000);
    assert.equal(await footer.textContent(), 'updated 13 s ago');
    await page.clock.runFor(5000);
    assert.equal(await footer.textContent(), 'updated 18 s ago');
    await page.clock.runFor(3 * 60_000);
    assert.equal(await footer.textContent(), 'updated 3 minutes ago');
  });
  await withPopup({ view: { ...fourStates(), lastUpdate: null }, settings: SETTINGS }, async ({ page }) => {
    assert.equal(await page.locator('#updated').textContent(), 'updating…');
  });
});

test('relative times stay current while the popup is open', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    const ziine = row(page, 'Ziine');
    assert.match(await ziine.innerText(), /last seen online 29 minutes ago/);
    await page.clock.runFor(60_000);
    assert.match(await ziine.innerText(), /last seen online 30 minutes ago/);
    await page.clock.runFor(31 * 60_000);
    assert.match(await ziine.innerText(), /last seen online 1 hour ago/);
  });
});

test('a live update changes the row and keeps the filter, the selection and the scroll position', async () => {
  const view = realistic();
  await withPopup({ view, settings: SETTINGS }, async ({ page, fire }) => {
    await page.keyboard.type('a');
    for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowDown');
    const selected = await selectedName(page);
    const scrolled = await page.locator('#scroller').evaluate((s) => s.scrollTop);
    assert.ok(scrolled > 0, 'the selection scrolled the list');
    const namesBefore = await visibleNames(page);

    const next = structuredClone(view);
    const changed = next.organizations[0].systems.find((s) => s.name === selected);
    Object.assign(changed, { state: 'noConnection', stateText: STATE_TEXT.noConnection, lastSeenOnline: before(60) });
    next.lastUpdate = next.now;
    await fire('view-updated', next);

    const r = row(page, selected);
    await r.getByText(STATE_TEXT.noConnection).waitFor();
    assert.equal(await colourOf(r.locator('.dot')), 'red');
    assert.match(await r.innerText(), /last seen online 1 minute ago/);
    assert.equal(await page.locator('#search').inputValue(), 'a', 'the filter text is kept');
    assert.deepEqual(await visibleNames(page), namesBefore, 'the filter still applies');
    assert.equal(await selectedName(page), selected, 'the selection is kept');
    assert.equal(await page.locator('#scroller').evaluate((s) => s.scrollTop), scrolled, 'the scroll position is kept');
    assert.equal(await page.locator('#updated').textContent(), 'updated 0 s ago');
  });
});

test('dark mode follows the desktop', async () => {
  const backgrounds = {};
  for (const colorScheme of ['light', 'dark']) {
    await withPopup({ view: fourStates(), settings: SETTINGS, colorScheme }, async ({ page }) => {
      backgrounds[colorScheme] = await luminanceOf(page.locator('body'));
      // The states keep their colours in the dark.
      assert.equal(await colourOf(row(page, 'Tokyo MCR').locator('.dot')), 'red');
      assert.equal(await colourOf(row(page, 'Brussels Playout').locator('.dot')), 'green');
    });
  }
  assert.ok(backgrounds.light > 0.8, `light background ${backgrounds.light}`);
  assert.ok(backgrounds.dark < 0.05, `dark background ${backgrounds.dark}`);
});

test('a long name is cut with an ellipsis and nothing overflows the window', async () => {
  const long = 'Sydney Contribution Hub — Secondary Playout Facility for the Asia-Pacific region';
  await withPopup({ view: popupModel([organization('Skyline', [system(long), system('Short')])]), settings: SETTINGS }, async ({ page }) => {
    const name = row(page, long).locator('.name');
    const { clipped, ellipsis } = await name.evaluate((e) => ({
      clipped: e.scrollWidth > e.clientWidth,
      ellipsis: getComputedStyle(e).textOverflow,
    }));
    assert.ok(clipped && ellipsis === 'ellipsis');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 380, 'no horizontal overflow');
    assert.match(await row(page, long).getAttribute('title'), new RegExp(`^${long}`), 'the full name is in the tooltip');
  });
});

test('a flapping system carries an amber "flapping" tag that says why its notifications are held', async () => {
  const view = popupModel([
    organization('Skyline', [
      system('Ziine', 'dmsNotResponding', { flapping: true }),
      system('Amsterdam NOC', 'ok', { flapping: true }),
      system('Brussels Playout'),
    ]),
  ]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const tag = row(page, 'Ziine').locator('.tag');
    assert.equal(await tag.textContent(), 'flapping');
    assert.equal(await tag.getAttribute('title'), 'Changing state too often; notifications are held until it is stable');
    assert.equal(await colourOf(tag, 'borderTopColor'), 'orange', 'an amber outline');
    assert.equal(await colourOf(tag), 'transparent', 'only an outline');
    // Right after the state text: on its line, or at the start of the next when the line is full.
    for (const name of ['Ziine', 'Amsterdam NOC']) {
      const text = await row(page, name).locator('.state-text').boundingBox();
      const flag = await row(page, name).locator('.tag').boundingBox();
      const sameLine = Math.abs(flag.y + flag.height / 2 - (text.y + text.height / 2)) < 3 && flag.x > text.x + text.width;
      const nextLine = flag.x === text.x && flag.y >= text.y + text.height - 1 && flag.y < text.y + text.height + 4;
      assert.ok(sameLine || nextLine, `${name}'s tag follows its state text`);
    }
    assert.equal(await row(page, 'Brussels Playout').locator('.tag').count(), 0, 'a stable system has no tag');

    await page.keyboard.type('flapping');
    assert.deepEqual(await visibleNames(page), ['Ziine', 'Amsterdam NOC'], 'the filter finds them');
  });
});
