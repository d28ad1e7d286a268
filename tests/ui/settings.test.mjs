/**
 * The settings view: reached by the gear or by the tray's show-settings,
 * saves through save_settings (with the notification choices and quiet
 * hours), shows its refusals under the field they name (or as a toast when
 * they name none), fits the window.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { popupSuite } from './harness.mjs';
import { ERRORS, SETTINGS, fourStates, refusal } from './fixtures.mjs';

const withPopup = popupSuite();

test('the settings show the current values, save new ones and go back to the list', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const interval = page.getByLabel('Poll interval');
    const autostart = page.getByLabel('Start at login');
    assert.equal(await interval.inputValue(), SETTINGS.pollInterval);
    assert.equal(await autostart.isChecked(), false);
    assert.ok(await page.getByText(SETTINGS.configPath).isVisible(), 'the configuration file is named');
    assert.equal(await page.locator('#search').isVisible(), false, 'the list is out of the way');

    await interval.fill('30s');
    await autostart.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#search').waitFor();
    assert.deepEqual(await calls('save_settings'), [
      { cmd: 'save_settings', args: { pollInterval: '30s', autostart: true, notifications: SETTINGS.notifications } },
    ]);
    assert.equal(await page.locator('#settings-view').isVisible(), false, 'back to the list after saving');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  });
});

test('a refused value shows the message under the field and stays to be fixed', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    const { message } = ERRORS.pollInterval;
    await answer('save_settings', { reject: ERRORS.pollInterval });
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
    assert.ok(await page.getByLabel('Back online').isDisabled());
    assert.ok(await page.getByLabel('Quiet hours').isDisabled());
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
    assert.equal(await page.getByLabel('Poll interval').inputValue(), SETTINGS.pollInterval);
  });
});

test('the notification choices and quiet hours show the current values and are saved with the rest', async () => {
  const settings = {
    ...SETTINGS,
    notifications: { ...SETTINGS.notifications, backOnline: false, addedRemoved: false, version: false, quietHours: '22:00-07:00' },
  };
  await withPopup({ view: fourStates(), settings }, async ({ page, calls }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const group = page.getByRole('group', { name: 'Notify me about' });
    const boxes = {
      dmsNotResponding: 'DMS not responding',
      noConnection: 'No connection',
      unknown: 'State could not be determined (after two polls)',
      backOnline: 'Back online',
      redundancy: 'Cloud Gateway redundancy',
      addedRemoved: 'Systems added or removed',
      version: 'DataMiner version changes',
      organization: 'Organization problems (key rejected, API unreachable)',
    };
    for (const [key, label] of Object.entries(boxes)) {
      assert.equal(await group.getByLabel(label, { exact: true }).isChecked(), settings.notifications[key], label);
    }
    const quiet = page.getByLabel('Quiet hours');
    assert.equal(await quiet.inputValue(), '22:00-07:00');
    assert.equal(await quiet.getAttribute('placeholder'), '22:00-07:00');
    assert.ok(await page.getByText('Local time; leave empty for none').isVisible());

    await group.getByLabel('Back online').check();
    await group.getByLabel('No connection').uncheck();
    await quiet.fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#search').waitFor();
    assert.deepEqual(await calls('save_settings'), [{
      cmd: 'save_settings',
      args: {
        pollInterval: SETTINGS.pollInterval,
        autostart: false,
        notifications: { ...settings.notifications, backOnline: true, noConnection: false, quietHours: '' },
      },
    }]);
  });
});

test('a refused quiet hours shows its message under that field, other refusals under the poll interval', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, answer }) => {
    const { message } = ERRORS.quietHours;
    await answer('save_settings', { reject: ERRORS.quietHours });
    await page.getByRole('button', { name: 'Settings' }).click();
    const quiet = page.getByLabel('Quiet hours');
    await quiet.fill('22-7');
    await page.getByRole('button', { name: 'Save' }).click();

    const error = page.locator('#quiet-hours-error');
    await error.waitFor();
    assert.equal(await error.innerText(), message);
    const [fieldBox, errorBox] = [await quiet.boundingBox(), await error.boundingBox()];
    assert.ok(errorBox.y > fieldBox.y && errorBox.y - (fieldBox.y + fieldBox.height) < 20, 'the message is right under the field');
    assert.ok(errorBox.y + errorBox.height <= (await page.locator('#settings-form .form-buttons').boundingBox()).y, 'and in sight');
    assert.equal(await quiet.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#poll-interval-error').isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'quiet-hours');

    await answer('save_settings', { reject: refusal('pollInterval', 'poll_interval: "x" is not a duration') });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#poll-interval-error').waitFor();
    assert.equal(await error.isVisible(), false, 'the quiet hours message is gone with its cause');
    assert.equal(await quiet.getAttribute('aria-invalid'), null);
  });
});

test('a refusal goes under the field it names, whatever its words say', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, answer }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const quietError = page.locator('#quiet-hours-error');
    const intervalError = page.locator('#poll-interval-error');

    await answer('save_settings', { reject: refusal('quietHours', 'Stilte-uren: "22-7" is geen bereik') });
    await page.getByRole('button', { name: 'Save' }).click();
    await quietError.waitFor();
    assert.equal(await quietError.innerText(), 'Stilte-uren: "22-7" is geen bereik');
    assert.equal(await intervalError.isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'quiet-hours');

    await answer('save_settings', { reject: refusal('pollInterval', 'Quiet hours: are not what this is about') });
    await page.getByRole('button', { name: 'Save' }).click();
    await intervalError.waitFor();
    assert.equal(await intervalError.innerText(), 'Quiet hours: are not what this is about');
    assert.equal(await quietError.isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'poll-interval');
  });
});

test('a refusal that names no field of the form shows as a toast, and the settings stay open', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, answer, calls }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const toast = page.locator('#toast');
    const refusals = [
      refusal('autostart', 'Start at login could not be set: the autostart directory is read-only'),
      refusal(null, 'The configuration file cannot be written: permission denied'),
      'Command save_settings not allowed', // Tauri's own rejection, a plain string
    ];
    for (const reject of refusals) {
      const message = typeof reject === 'string' ? reject : reject.message;
      await answer('save_settings', { reject });
      await page.getByRole('button', { name: 'Save' }).click();
      await toast.getByText(message, { exact: true }).waitFor();
      assert.equal(await toast.getAttribute('data-kind'), 'error');
      assert.equal(await page.locator('.field-error:visible').count(), 0, `${message}: under no field`);
      assert.equal(await page.getByLabel('Poll interval').getAttribute('aria-invalid'), null);
      assert.ok(await page.locator('#settings-view').isVisible(), 'still in the settings');
      assert.ok(await page.getByRole('button', { name: 'Save' }).isEnabled(), 'and it can be saved again');
      const [toastBox, buttons] = [await toast.boundingBox(), await page.locator('#settings-form .form-buttons').boundingBox()];
      assert.ok(toastBox.y + toastBox.height <= buttons.y, 'the toast does not cover the buttons');
    }
    assert.equal((await calls('save_settings')).length, 3);
  });
});

test('the settings fit the window: the fields scroll, the buttons and the footer stay in sight', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const fields = page.locator('#settings-form .settings-fields');
    const inWindow = async (locator) => {
      const box = await locator.boundingBox();
      return box.y >= 0 && box.y + box.height <= 520;
    };
    for (const scrolled of [false, true]) {
      if (scrolled) await fields.evaluate((f) => { f.scrollTop = f.scrollHeight; });
      assert.ok(await inWindow(page.getByRole('button', { name: 'Save' })), 'Save is in sight');
      assert.ok(await inWindow(page.locator('.footer')), 'the footer is in sight');
    }
    const path = page.getByText(SETTINGS.configPath);
    assert.ok(await inWindow(path), 'scrolled down, the last field shows');
    const pathBottom = (await path.boundingBox()).y + (await path.boundingBox()).height;
    assert.ok(pathBottom <= (await page.locator('#settings-form .form-buttons').boundingBox()).y, 'above the buttons');
    assert.ok(await inWindow(page.locator('#settings-title')), 'the title stays');
    assert.equal(await page.evaluate(() => document.documentElement.scrollHeight), 520, 'the window itself does not scroll');
  });
});

test('a key pasted for an organization is handed over once, then gone from the page', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    const [skyline] = SETTINGS.keys;
    await page.getByRole('button', { name: 'Settings' }).click();
    const row = page.locator('.organization').filter({ hasText: skyline.name });
    assert.equal(await row.locator('.field-hint').innerText(), `Key from ${skyline.from}`);
    const field = page.getByLabel(skyline.name, { exact: true });
    assert.equal(await field.getAttribute('type'), 'password', 'a pasted key is not shown');

    const stored = { ...SETTINGS, keys: [{ ...skyline, from: 'the keyring, as "Skyline" (key_keyring)' }, SETTINGS.keys[1]] };
    await answer('get_settings', { value: stored });
    await field.fill(' pasted-key-123 ');
    await field.press('Enter');
    await page.getByText(`The key of ${skyline.name} is in the keyring`).waitFor();
    assert.deepEqual(await calls('store_key'), [
      { cmd: 'store_key', args: { organizationId: skyline.organizationId, key: ' pasted-key-123 ' } },
    ]);
    assert.deepEqual(await calls('save_settings'), [], 'Enter in a key field does not save the other settings');
    assert.equal(await field.inputValue(), '', 'the field forgets the key once it is stored');
    await row.getByText('Key from the keyring').waitFor();
    const anywhere = await page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join());
    assert.ok(!anywhere.includes('pasted-key-123'), 'no trace of the key in the page');
  });
});

test('a pasted key that cannot be one is refused under its field and kept to be fixed', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    const [skyline] = SETTINGS.keys;
    await answer('store_key', { reject: ERRORS.key });
    await page.getByRole('button', { name: 'Settings' }).click();
    const field = page.getByLabel(skyline.name, { exact: true });
    const row = page.locator('.organization').filter({ hasText: skyline.name });

    await row.getByRole('button', { name: 'Store in keyring' }).click();
    assert.equal(await row.locator('.field-error').innerText(), 'Paste the key first.');
    assert.deepEqual(await calls('store_key'), [], 'nothing to store');

    await field.fill('paste from mail');
    await row.getByRole('button', { name: 'Store in keyring' }).click();
    await row.getByText(ERRORS.key.message).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.inputValue(), 'paste from mail', 'kept to be fixed');
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    assert.equal(await field.inputValue(), '', 'leaving the settings forgets what was pasted');
  });
});

test('the demo shows where its keys come from but takes none', async () => {
  const demo = { ...SETTINGS, editable: false, reason: 'The demo has no configuration file.' };
  await withPopup({ view: fourStates(), settings: demo }, async ({ page }) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const row = page.locator('.key-row').first();
    assert.equal(await row.getByRole('button', { name: 'Store in keyring' }).isDisabled(), true);
    assert.equal(await row.locator('input').isDisabled(), true);
  });
});
