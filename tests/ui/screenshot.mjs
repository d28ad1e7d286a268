/**
 * Renders the popup with a realistic fixture (a dozen systems of one
 * organization, mixed states, on air and lab tags) at 380×520, light and
 * dark, and writes PNGs to the directory given as the first argument, for a
 * person to look at:
 *   node tests/ui/screenshot.mjs /tmp/shots
 * Besides the list, it shows an acknowledged outage, the open menu of an
 * outage on air (Acknowledge, the priorities), a row's menu with its mute
 * items on a flapping system, the toast after muting, a filter, an
 * organization error in the demo, no organization, the settings view (its
 * top, scrolled to the quiet hours with a refusal, and to the organizations
 * with the question before a removal), the organization form (with a
 * refused API URL, and after a failed Test connection), the history (full,
 * filtered, empty) and a system's strip over 24 hours and 7 days.
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium, openPopup, serveUi } from './harness.mjs';
import {
  CONNECTION_TESTS, ERRORS, SETTINGS, before, organization, popupModel, realistic, realisticHistory, realisticStrip, refusal, strip, system,
} from './fixtures.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/ui/screenshot.mjs OUTPUT_DIR');
  process.exit(2);
}
await mkdir(out, { recursive: true });

const failing = () =>
  popupModel([
    organization('Skyline Communications', [system('Ziine', 'dmsNotResponding'), system('Brussels Playout')]),
    organization(
      'Broadcast Partners',
      [system('Partner Hub', 'unknown'), system('Partner Backup', 'unknown', { lastSeenOnline: null })],
      { error: { kind: 'serviceError', message: 'dataminer.services error 503', since: before(120) }, lastGoodAt: before(300) },
    ),
  ], { demo: { configPath: SETTINGS.configPath }, level: 'organizationError' });

const day = realistic();
const history = { history: realisticHistory(day), strip: realisticStrip() };
const week = strip([
  ['ok', 30], [null, 14], ['ok', 52], ['noConnection', 2], ['ok', 40], ['unknown', 1], ['ok', 28.75], ['dmsNotResponding', 0.25],
], '7d');
const openHistory = (page) => page.getByRole('button', { name: 'History' }).click();
const frankfurtMenu = async (page) => {
  const frankfurt = page.locator('.row').filter({ hasText: 'Frankfurt Edge' });
  await frankfurt.scrollIntoViewIfNeeded();
  await frankfurt.locator('.menu-button').click();
  await page.mouse.move(0, 0); // the list scrolled under the pointer; no hover in the shot
  return frankfurt.getByRole('menu');
};

// [name, PopupModel, what to do before the shot, answers of get_history and get_strip]
const shots = [
  ['popup', realistic(), async () => {}],
  ['acknowledged', realistic(), async (page) => {
    await page.locator('.row').filter({ hasText: 'Acknowledged by' }).scrollIntoViewIfNeeded();
  }],
  ['menu', realistic(), async (page) => {
    await page.keyboard.press('ArrowDown');
    await page.locator('.row[aria-selected="true"] .menu-button').click();
  }],
  ['menu-mute', realistic(), frankfurtMenu],
  ['muted', realistic(), async (page) => {
    await (await frankfurtMenu(page)).getByRole('menuitem', { name: 'Mute for 8 hours' }).click();
    await page.locator('#toast').waitFor();
  }],
  ['filter', realistic(), async (page) => page.locator('#search').fill('am')],
  ['error', failing(), async () => {}],
  ['empty', popupModel([], { summary: 'No organizations configured', level: 'noOrganizations' }), async (page) => {
    await page.getByText(SETTINGS.configPath).waitFor();
  }],
  ['settings', realistic(), async (page) => {
    await page.locator('#settings-button').click();
    await page.locator('#poll-interval').fill('2s');
    const reject = refusal('pollInterval', 'poll_interval: 2s is too short; write at least 5s, e.g. "60s"');
    await page.evaluate((r) => { window.__answers.save_settings = { reject: r }; }, reject);
    await page.locator('#settings-save').click();
    await page.locator('#poll-interval-error').waitFor();
  }],
  ['settings-quiet', realistic(), async (page) => {
    await page.locator('#settings-button').click();
    await page.getByLabel('Back online').uncheck();
    await page.getByLabel('Systems added or removed').uncheck();
    await page.locator('#quiet-hours').fill('22:00-7');
    const reject = refusal('quietHours', 'Quiet hours: "22:00-7" is not a range; write it as 22:00-07:00');
    await page.evaluate((r) => { window.__answers.save_settings = { reject: r }; }, reject);
    await page.locator('#settings-save').click();
    await page.locator('#quiet-hours-error').waitFor();
  }],
  ['settings-organizations', realistic(), async (page) => {
    await page.locator('#settings-button').click();
    await page.locator('.organization').last().locator('.org-remove').click();
  }],
  ['organization-form', realistic(), async (page) => {
    await page.locator('#settings-button').click();
    await page.locator('#add-organization').click();
    await page.locator('#org-name').fill('Skyline Lab');
    await page.locator('#org-api-url').fill('http://api.example');
    await page.locator('#org-id').fill(SETTINGS.keys[0].organizationId);
    await page.locator('#org-key').fill('pasted-key');
    await page.evaluate((r) => { window.__answers.save_organization = { reject: r }; }, ERRORS.apiUrl);
    await page.locator('#org-save').click();
    await page.locator('#org-api-url-error').waitFor();
  }],
  ['organization-tested', realistic(), async (page) => {
    await page.locator('#settings-button').click();
    await page.locator('.org-edit').first().click();
    await page.locator('#org-key').fill('pasted-key');
    await page.evaluate((t) => { window.__answers.test_connection = { value: t }; }, CONNECTION_TESTS.keyRejected);
    await page.locator('#org-test').click();
    await page.locator('#org-test-result[data-connected]').waitFor();
    await page.mouse.move(0, 0); // no hover in the shot
  }],
  ['history', day, openHistory, history],
  ['history-filter', day, async (page) => {
    await openHistory(page);
    await page.keyboard.type('frankfurt');
  }, history],
  ['history-empty', day, openHistory],
  ['strip', day, async (page) => {
    await openHistory(page);
    await page.locator('.entry').first().click();
    await page.locator('.segment').first().waitFor();
  }, history],
  ['strip-7d', day, async (page) => {
    await openHistory(page);
    await page.evaluate((answer) => { window.__answers.get_strip = { value: answer }; }, week);
    await page.locator('.entry').first().click();
    await page.getByRole('button', { name: '7 d' }).click();
    await page.getByText('7 d ago').waitFor();
  }, history],
];

const server = await serveUi();
const browser = await launchChromium();
try {
  for (const colorScheme of ['light', 'dark']) {
    for (const [name, view, act, answers] of shots) {
      const popup = await openPopup(browser, server.url, { view, settings: SETTINGS, colorScheme, ...answers });
      await act(popup.page);
      const file = join(out, `${name}-${colorScheme}.png`);
      await popup.page.screenshot({ path: file });
      const problems = await popup.problems();
      if (problems.length) console.error(`${file}: ${problems.join('; ')}`);
      console.log(file);
      await popup.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
