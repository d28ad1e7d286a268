/**
 * The settings view: reached by the gear or by the tray's show-settings,
 * saves through save_settings, shows its refusals under the field.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { popupSuite } from './harness.mjs';
import { SETTINGS, fourStates } from './fixtures.mjs';

const withPopup = popupSuite();

test('the settings show the current values, save new ones and go back to the list', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const interval = page.getByLabel('Poll interval');
    const autostart = page.getByLabel('Start at login');
    assert.equal(await interval.inputValue(), '60s');
    assert.equal(await autostart.isChecked(), false);
    assert.ok(await page.getByText(SETTINGS.configPath).isVisible(), 'the configuration file is named');
    assert.equal(await page.locator('#search').isVisible(), false, 'the list is out of the way');

    await interval.fill('30s');
    await autostart.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#search').waitFor();
    assert.deepEqual(await calls('save_settings'), [
      { cmd: 'save_settings', args: { pollInterval: '30s', autostart: true } },
    ]);
    assert.equal(await page.locator('#settings-view').isVisible(), false, 'back to the list after saving');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  });
});

test('a refused value shows the message under the field and stays to be fixed', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    const message = 'poll_interval: "2s" is too short; write at least "5s"';
    await answer('save_settings', { reject: message });
    await page.getByRole('button', { name: 'Settings' }).click();
    const interval = page.getByLabel('Poll interval');
    await interval.fill('2s');
    await interval.press('Enter');

    const error = page.locator('#poll-interval-error');
    await error.waitFor();
    assert.equal(await error.innerText(), message);
    const [fieldBox, errorBox] = [await interval.boundingBox(), await error.boundingBox()];
    assert.ok(errorBox.y > fieldBox.y && errorBox.y - (fieldBox.y + fieldBox.height) < 20, 'the message is right under the field');
    assert.equal(await interval.getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('#settings-view').isVisible(), 'still in the settings');

    await interval.fill('5s');
    assert.equal(await error.isVisible(), false, 'typing clears the message');
    await answer('save_settings', { value: null });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#search').waitFor();
    assert.deepEqual((await calls('save_settings')).map((c) => c.args.pollInterval), ['2s', '5s']);
  });
});

test('settings that cannot be changed say why and cannot be saved', async () => {
  const locked = { ...SETTINGS, editable: false, reason: 'The demo does not save settings; write a configuration file instead.' };
  await withPopup({ view: fourStates(), settings: locked }, async ({ page }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    assert.ok(await page.getByText(locked.reason).isVisible());
    assert.ok(await page.getByLabel('Poll interval').isDisabled());
    assert.ok(await page.getByLabel('Start at login').isDisabled());
    assert.ok(await page.getByRole('button', { name: 'Save' }).isDisabled());
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    assert.ok(await page.locator('#search').isVisible(), 'Back returns to the list');
  });
});

test('the tray can open the settings directly', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, fire }) => {
    await fire('show-settings', null);
    await page.getByLabel('Poll interval').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'poll-interval');
  });
});

test('the tray opens a closed popup straight on the settings', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS, page: '?view=settings' }, async ({ page }) => {
    await page.getByLabel('Poll interval').waitFor();
    assert.equal(await page.locator('#search').isVisible(), false);
    assert.equal(await page.getByLabel('Poll interval').inputValue(), '60s');
  });
});
