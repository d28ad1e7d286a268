/**
 * The popup is used by keyboard, by screen reader and on bright control-room
 * screens: axe-core (the npm package) checks every view of it, light and
 * dark, with all of its default rules, and finds nothing. The views are
 * those a user reaches: the systems in every state, each state selected, the
 * header at every level, organizations that cannot be polled or have no
 * systems, the demo, no organization at all, a filter, a row's menu, the
 * messages, the history, a system's strip, the settings with their
 * refusals, locked, and opened from the tray, and the organizations: the
 * question before a removal, and the form that adds or edits one with a
 * refusal and what Test connection found, in the demo too.
 *
 * A failure names each rule broken, its impact, what it asks for and the
 * first elements that break it.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { popupSuite, row } from './harness.mjs';
import {
  CONNECTION_TESTS, ERRORS, SETTINGS, acknowledgement, before, fourStates, organization, popupModel, realistic,
  realisticHistory, realisticStrip, refusal, strip, system,
} from './fixtures.mjs';

const withPopup = popupSuite();

const require = createRequire(import.meta.url);
const AXE = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

/** What a failure shows of the nodes of a rule. */
const SHOWN_NODES = 3;

/**
 * axe.run over the whole document as it is on screen; resolves to its
 * violations, reduced to what a failure message shows. The page's CSP allows
 * no inline script, so axe goes in as an evaluation, not a script tag; and
 * axe waits on timers, which the page's paused clock holds, so the clock is
 * run forward in small steps until axe is done.
 */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  let done = false;
  const run = page
    .evaluate(async (shown) => {
      const { violations: found } = await window.axe.run(document, { resultTypes: ['violations'] });
      return found.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        count: v.nodes.length,
        nodes: v.nodes.slice(0, shown).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    }, SHOWN_NODES)
    .finally(() => {
      done = true;
    });
  while (!done) await page.clock.runFor(20);
  return run;
}

const report = (found) =>
  found
    .map(({ id, impact, help, count, nodes }) => [
      `${id} (${impact}, ${count} node${count === 1 ? '' : 's'}): ${help}`,
      ...nodes.map((n) => `    ${n.target}\n      ${n.summary.replace(/\n\s*/g, ' ')}`),
    ].join('\n'))
    .join('\n');

/** Each view checked in each colour scheme, for the count at the end. */
const audited = [];

/**
 * Opens the popup with `options` in `colorScheme`, runs show(popup, audit),
 * in which each audit(what) checks the page as it is then, and fails with
 * every violation found. A view that needs no steps is audited as it opens.
 */
async function check(name, colorScheme, options, show = (popup, audit) => audit('')) {
  const failures = [];
  await withPopup({ settings: SETTINGS, ...options, colorScheme }, async (popup) => {
    const dark = await popup.page.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
    assert.equal(dark, colorScheme === 'dark', `the page sees prefers-color-scheme: ${colorScheme}`);
    await show(popup, async (what) => {
      const label = [name, what].filter(Boolean).join(': ');
      const found = await violations(popup.page);
      audited.push(`${label} (${colorScheme})`);
      if (found.length) failures.push(`${label} (${colorScheme}):\n${report(found)}`);
    });
  });
  assert.equal(failures.length, 0, `axe-core found violations:\n${failures.join('\n')}`);
}

/* ---- the views ---- */

/**
 * Every state, with a flapping system, one of degraded redundancy, systems on
 * air and in the lab, and an acknowledged outage among them; in the Rust
 * side's order.
 */
const everyState = () =>
  popupModel([
    organization('Skyline', [
      system('Tokyo MCR', 'noConnection', {
        lastSeenOnline: before(3 * 3600),
        cloudGateways: { connected: 0, total: 2 },
        priority: 'on-air',
      }),
      system('Ziine', 'dmsNotResponding', { lastSeenOnline: before(29 * 60), redundancyDegraded: true, cloudGateways: { connected: 2, total: 3 } }),
      system('Amsterdam NOC', 'ok', { redundancyDegraded: true, cloudGateways: { connected: 2, total: 3 } }),
      system('Lab Cluster', 'unknown', { lastSeenOnline: null, priority: 'lab' }),
      system('Oslo', 'noConnection', { lastSeenOnline: before(3600), acknowledged: acknowledgement('alice', 4 * 60, 'noConnection') }),
      system('Brussels Playout', 'ok', { priority: 'on-air' }),
      system('Frankfurt Edge', 'ok', { flapping: true }),
    ]),
  ]);

/** Organizations that cannot be polled, one without systems, one still waiting for its first data; in the demo. */
const troubled = () => {
  const error = { kind: 'serviceError', message: 'dataminer.services error 503', since: before(120) };
  return popupModel([
    organization('Skyline Communications', [system('Ziine', 'dmsNotResponding'), system('Brussels Playout')]),
    organization('Broadcast Partners', [system('Partner Hub', 'unknown'), system('Partner Backup', 'unknown', { lastSeenOnline: null })], {
      error,
      lastGoodAt: before(300),
    }),
    organization('Acme Media', [], { error: { ...error, message: 'key rejected' }, lastGoodAt: null }),
    organization('Empty Org', [], { lastGoodAt: before(60) }),
    organization('New Org', [], { lastGoodAt: null }),
  ], { demo: { configPath: SETTINGS.configPath }, level: 'organizationError' });
};

/** The summary's levels, as the Rust side names them, and the words it might show with each. */
const LEVELS = [
  ['ok', 'All 6 systems connected'],
  ['degraded', 'Cloud Gateway redundancy degraded'],
  ['dmsNotResponding', '1 of 6 systems need attention'],
  ['noConnection', '3 of 6 systems need attention'],
  ['unknown', 'The state of 1 system is unknown'],
  ['organizationError', 'Broadcast Partners: dataminer.services error 503'],
  ['starting', 'Starting…'],
];

const openHistory = async (page) => {
  await page.getByRole('button', { name: 'History' }).click();
  await page.locator('#history-view').waitFor();
};

const openSettings = async (page) => {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.locator('#settings-view').waitFor();
};

/** [name, options of the popup, what to do and when to audit] */
const VIEWS = [
  ['the systems in every state', { view: realistic() }],

  ['a selected system', { view: everyState() }, async ({ page }, audit) => {
    // The selection's background under every state's words, the facts line and the reason.
    for (const { name } of everyState().organizations[0].systems) {
      await page.keyboard.press('ArrowDown');
      await row(page, name).and(page.locator('[aria-selected="true"]')).waitFor();
      await audit(`${name} selected`);
    }
  }],

  ['the header', { view: everyState() }, async ({ page, fire }, audit) => {
    for (const [level, summary] of LEVELS) {
      await fire('view-updated', { ...everyState(), level, summary });
      await page.locator(`#summary[data-level="${level}"]`).waitFor();
      await audit(`at level ${level}`);
    }
  }],

  ['organizations that cannot be polled, one without systems, one waiting, in the demo', { view: troubled() }],

  ['no organization configured', { view: popupModel([], { summary: 'No organizations configured', level: 'noOrganizations' }) },
    async ({ page }, audit) => {
      await page.getByText(SETTINGS.configPath).waitFor();
      await audit('');
    }],

  ['the filter', { view: realistic() }, async ({ page }, audit) => {
    await page.keyboard.type('am');
    await audit('some systems match');
    await page.keyboard.type(' xyz');
    await page.locator('#no-match').waitFor();
    await audit('no system matches');
  }],

  ["a row's menu", { view: everyState() }, async ({ page }, audit) => {
    const brussels = row(page, 'Brussels Playout');
    await brussels.locator('.menu-button').click();
    await brussels.getByRole('menu').waitFor();
    await audit('opened with a click');
    await page.keyboard.press('ArrowDown');
    await audit('an item focused with the arrows');
    await page.keyboard.press('Escape');

    // A system without remote access: its remote access items are disabled; its outage can be acknowledged.
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+F10');
    await row(page, 'Tokyo MCR').getByRole('menu').waitFor();
    await audit('of a system without remote access, opened with Shift+F10');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    await audit('a priority focused');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await audit('the checked priority focused');
  }],

  ['the messages', { view: fourStates() }, async ({ page, answer }, audit) => {
    const toast = page.locator('#toast');
    await row(page, 'Tokyo MCR').click(); // no remote access: says why
    await toast.waitFor();
    await audit('why a system cannot be opened');
    await answer('open_remote', { reject: refusal(null, 'ziine-skyline.example.com is not an allowed remote-access host') });
    await page.keyboard.press('End'); // Brussels Playout, under the message
    await page.keyboard.press('Enter');
    await page.locator('#toast[data-kind="error"]').waitFor();
    await audit('an error');
  }],

  ['the history', { view: realistic(), history: realisticHistory(realistic()) }, async ({ page }, audit) => {
    await openHistory(page);
    await page.locator('.entry').first().waitFor();
    await audit('');
    await page.keyboard.press('ArrowDown');
    await audit('an entry focused with the arrows');
    await page.locator('#history-search').fill('xyz');
    await page.locator('#history-no-match').waitFor();
    await audit('no change matches the filter');
  }],

  ['the history without changes', { view: realistic() }, async ({ page }, audit) => {
    await openHistory(page);
    await page.locator('#history-none').waitFor();
    await audit('');
  }],

  ["a system's strip", { view: realistic(), history: realisticHistory(realistic()), strip: realisticStrip() }, async ({ page, answer }, audit) => {
    await openHistory(page);
    await page.locator('.entry').first().click();
    await page.locator('#strip-bar rect').first().waitFor();
    await audit('24 hours');
    await answer('get_strip', {
      value: strip([['ok', 30], [null, 14], ['ok', 52], ['noConnection', 2], ['ok', 40], ['unknown', 1], ['ok', 28.75], ['dmsNotResponding', 0.25]], '7d'),
    });
    await page.getByRole('button', { name: '7 d' }).click();
    await page.getByText('7 d ago').waitFor();
    await audit('7 days');
  }],

  ["a system's strip without data, from a row's menu", { view: fourStates() }, async ({ page }, audit) => {
    const lab = row(page, 'Lab Cluster');
    await lab.locator('.menu-button').click();
    await lab.getByRole('menuitem', { name: 'History' }).click();
    await page.getByText('no data', { exact: true }).waitFor();
    await audit('');
  }],

  ['the settings', { view: fourStates() }, async ({ page, answer }, audit) => {
    await openSettings(page);
    await audit('');
    await answer('save_settings', { reject: ERRORS.pollInterval });
    await page.getByLabel('Poll interval').fill('2s');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#poll-interval-error').waitFor();
    await audit('a refused poll interval');
    await answer('save_settings', { reject: ERRORS.quietHours });
    await page.getByLabel('Poll interval').fill('1m');
    await page.getByLabel('Quiet hours').fill('22-7');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#quiet-hours-error').waitFor();
    await audit('refused quiet hours');
    await page.locator('.key-row').first().getByRole('button', { name: 'Store in keyring' }).click();
    await page.locator('.key-row .field-error').first().waitFor();
    await audit('a key to store before it was pasted');
    await answer('save_settings', { reject: refusal(null, 'The settings cannot be written: permission denied') });
    await page.getByLabel('Quiet hours').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#toast[data-kind="error"]').waitFor();
    await audit('a refusal of no field, as a message');
  }],

  ['the organizations', { view: fourStates() }, async ({ page }, audit) => {
    await openSettings(page);
    const skyline = page.locator('.organization').first();
    await skyline.locator('.org-remove').click();
    await skyline.getByRole('group').waitFor();
    await audit('the question before a removal');
  }],

  ['the organization form', { view: fourStates() }, async ({ page, answer }, audit) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await page.locator('#organization-form').waitFor();
    await audit('adding one');
    await page.getByLabel('API URL').fill('http://api.example');
    await page.getByLabel('Organization id').fill(SETTINGS.keys[0].organizationId);
    await page.getByLabel('Key', { exact: true }).fill('pasted-key');
    await answer('save_organization', { reject: ERRORS.apiUrl });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#org-api-url-error').waitFor();
    await audit('a refused API URL');
    await answer('test_connection', { value: CONNECTION_TESTS.connected });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#org-test-result[data-connected="true"]').waitFor();
    await audit('a connection that works');
    await answer('test_connection', { value: CONNECTION_TESTS.keyRejected });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#org-test-result[data-connected="false"]').waitFor();
    await audit('a connection that fails');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.org-edit').first().click();
    await page.locator('#organization-form').waitFor();
    await audit('editing one');
  }],

  ['the organization form in the demo', { view: fourStates(), settings: { ...SETTINGS, editable: false, reason: 'The demo has no configuration file.' } },
    async ({ page }, audit) => {
      await openSettings(page);
      await page.getByRole('button', { name: 'Add organization' }).click();
      await page.locator('#organization-demo').waitFor();
      await audit('');
    }],

  ['the settings that cannot be changed',
    { view: fourStates(), settings: { ...SETTINGS, editable: false, reason: 'The demo does not save settings; write a configuration file instead.' } },
    async ({ page }, audit) => {
      await openSettings(page);
      await audit('');
    }],

  ['the settings opened from the tray', { view: fourStates(), page: '?view=settings' }, async ({ page }, audit) => {
    await page.getByLabel('Poll interval').and(page.locator(':focus')).waitFor();
    await audit('');
  }],
];

for (const colorScheme of ['light', 'dark']) {
  for (const [name, options, show] of VIEWS) {
    test(`axe-core finds no violation in ${name}, ${colorScheme}`, () => check(name, colorScheme, options, show));
  }
}

test('the systems are a grid the search box drives: each row a system cell and an actions cell, the selection its active row', async () => {
  const view = everyState();
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const search = page.getByRole('combobox', { name: 'Filter systems by name, organization or state' });
    const grid = page.getByRole('grid', { name: 'Systems' });
    assert.equal(await search.getAttribute('aria-controls'), await grid.getAttribute('id'));
    assert.equal(await search.getAttribute('aria-haspopup'), 'grid');
    assert.equal(await grid.getByRole('rowgroup', { name: /^Skyline/ }).count(), 1, "the organization's rows are a group named by its head");

    const ziine = grid.getByRole('row', { name: /^Ziine Cloud connection valid, DMS not responding/ });
    const [system, actions] = await ziine.getByRole('gridcell').all();
    assert.ok(await system.getByText('Ziine', { exact: true }).isVisible(), 'the first cell is the system');
    assert.equal(await system.getByRole('button').count(), 0, 'which holds no control');
    assert.ok(await actions.getByRole('button', { name: 'Actions for Ziine' }).isVisible(), 'the second cell holds its ⋯ button');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await search.getAttribute('aria-activedescendant'), await ziine.getAttribute('id'), 'the selected row is the active one');
    assert.equal(await ziine.getAttribute('aria-selected'), 'true');
    assert.equal(await ziine.getAttribute('aria-rowindex'), '2');
    assert.equal(await grid.getAttribute('aria-rowcount'), String(view.organizations[0].systems.length));

    // Filtered, a row says where it is among the rows shown.
    await page.keyboard.type('amsterdam');
    const amsterdam = grid.getByRole('row', { name: /^Amsterdam NOC/ });
    assert.equal(await amsterdam.getAttribute('aria-rowindex'), '1');
    assert.equal(await grid.getAttribute('aria-rowcount'), '1');
    assert.equal(await search.getAttribute('aria-activedescendant'), await amsterdam.getAttribute('id'));
  });
});

test('how many checks ran, and with which axe-core', (t) => {
  // node --test runs a file's tests in order: this one comes last, and only tells (a filtered run checks fewer views).
  const { version } = JSON.parse(readFileSync(join(dirname(require.resolve('axe-core')), 'package.json'), 'utf8'));
  t.diagnostic(`axe-core ${version}: ${audited.length} checks, each of a view in a colour scheme, over ${VIEWS.length} views`);
});
