/**
 * The Organizations part of the settings: a line per organization with Edit
 * and Remove, and the form that adds or edits one. The form tests the
 * connection with the typed values, saves through save_organization, shows
 * a refusal under the field it names, never keeps a pasted key, and is left
 * with Cancel or Escape; in the demo only Add organization works.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { popupSuite } from './harness.mjs';
import { CONNECTION_TESTS, ERRORS, SETTINGS, fourStates, refusal } from './fixtures.mjs';

const withPopup = popupSuite();

const [SKYLINE, BROKEN] = SETTINGS.keys;
const LAB = {
  apiUrl: 'https://api.lab.example/',
  organizationId: '7a1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
  key: ' pasted-key-123 ',
};
/** The settings once Lab is added: its line as the Rust side lists a new organization without a name (by its id). */
const WITH_LAB = {
  ...SETTINGS,
  keys: [...SETTINGS.keys, { ...SKYLINE, organizationId: LAB.organizationId, name: LAB.organizationId, configuredName: null, apiUrl: LAB.apiUrl }],
};
const DEMO = { ...SETTINGS, editable: false, reason: 'The demo has no configuration file.' };

const form = (page) => page.locator('#organization-form');
const line = (page, organization) => page.locator('.organization').filter({ hasText: organization.name });
const focusedId = (page) => page.evaluate(() => document.activeElement.id);

async function openSettings(page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Add organization' }).waitFor();
}

/** The form's fields by their labels, as a user finds them. */
const fields = (page) => ({
  name: page.getByLabel('Name', { exact: true }),
  apiUrl: page.getByLabel('API URL', { exact: true }),
  id: page.getByLabel('Organization id', { exact: true }),
  key: page.getByLabel('Key', { exact: true }),
});

async function fillLab(page, name = '') {
  const { name: nameField, apiUrl, id, key } = fields(page);
  await nameField.fill(name);
  await apiUrl.fill(LAB.apiUrl);
  await id.fill(LAB.organizationId);
  await key.fill(LAB.key);
}

/** Whether `text` is anywhere in the page: its markup or the value of a field. */
const inPage = (page, text) =>
  page.evaluate((t) => (document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join()).includes(t), text);

/** What a screen reader reads with a field: the text of what its aria-describedby names. */
const description = (field) =>
  field.evaluate((input) => (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '));

test('each organization is listed with its name, API URL, key source, key field, Edit and Remove', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    await openSettings(page);
    assert.ok(await page.getByRole('group', { name: 'Organizations' }).isVisible());
    for (const organization of SETTINGS.keys) {
      const row = line(page, organization);
      assert.ok(await row.getByText(organization.name, { exact: true }).isVisible(), organization.name);
      assert.ok(await row.getByText(organization.apiUrl, { exact: true }).isVisible());
      assert.ok(await row.getByText(`Key from ${organization.from}`).isVisible());
      assert.equal(await row.locator(`#key-${organization.organizationId}`).getAttribute('type'), 'password');
      assert.ok(await row.getByRole('button', { name: `Edit ${organization.name}` }).isEnabled());
      assert.ok(await row.getByRole('button', { name: `Remove ${organization.name}` }).isEnabled());
    }
  });
});

test('Add organization opens an empty form in place of the settings, even after editing one', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    await openSettings(page);
    await line(page, BROKEN).getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Add organization' }).click();

    assert.ok(await page.getByRole('heading', { name: 'Add organization' }).isVisible());
    for (const [which, field] of Object.entries(fields(page))) assert.equal(await field.inputValue(), '', `${which} is empty`);
    const { key } = fields(page);
    assert.equal(await key.getAttribute('type'), 'password', 'a pasted key is not shown');
    assert.equal(await key.getAttribute('autocomplete'), 'off');
    assert.equal(await focusedId(page), 'org-name', 'the focus is in the first field');
    assert.equal(await page.getByLabel('Poll interval').isVisible(), false, 'the settings made room for the form');
    assert.equal(await page.locator('#settings-title').isVisible(), false);
    for (const name of ['Test connection', 'Cancel', 'Save']) {
      assert.ok(await form(page).getByRole('button', { name, exact: true }).isEnabled(), name);
    }
  });
});

test('Test connection tries the typed values, says "Testing…" meanwhile, and tells success from failure in words and signs', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await fillLab(page);
    const button = page.locator('#org-test');
    const result = page.locator('#org-test-result');
    const sign = () => result.evaluate((r) => getComputedStyle(r, '::before').content);

    await answer('test_connection', { value: CONNECTION_TESTS.connected, delay: 1000 });
    await button.click();
    assert.equal(await button.innerText(), 'Testing…');
    assert.ok(await button.isDisabled(), 'one test at a time');
    await page.clock.runFor(1000);
    await result.getByText(CONNECTION_TESTS.connected.message).waitFor();
    assert.equal(await result.getAttribute('role'), 'status', 'a screen reader is told the result');
    assert.equal(await sign(), '"✓ "');
    assert.equal(await button.innerText(), 'Test connection');
    assert.ok(await button.isEnabled());
    assert.equal(await focusedId(page), 'org-test', 'the focus is back on the button');
    assert.deepEqual(await calls('test_connection'), [{
      cmd: 'test_connection',
      args: { previousId: null, apiUrl: LAB.apiUrl, organizationId: LAB.organizationId, key: LAB.key },
    }]);

    await answer('test_connection', { value: CONNECTION_TESTS.keyRejected });
    await button.click();
    await result.getByText(CONNECTION_TESTS.keyRejected.message).waitFor();
    assert.equal(await sign(), '"✕ "', 'a failure is not told by its colour alone');
    assert.notEqual(
      await result.evaluate((r) => getComputedStyle(r).color),
      await page.locator('#org-name-hint').evaluate((h) => getComputedStyle(h).color),
      'and stands out from the hints',
    );

    await fields(page).key.fill('another-key');
    assert.equal(await result.innerText(), '', 'a result of other values goes away');
  });
});

test('Save adds the organization with the typed values, closes the form, lists it anew and says so', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await fillLab(page);
    await answer('get_settings', { value: WITH_LAB });
    await page.getByRole('button', { name: 'Save' }).click();

    await page.locator('#toast').getByText(`${LAB.organizationId} added; polling it now.`).waitFor();
    assert.deepEqual(await calls('save_organization'), [{
      cmd: 'save_organization',
      args: { previousId: null, name: '', apiUrl: LAB.apiUrl, organizationId: LAB.organizationId, key: LAB.key },
    }]);
    assert.equal(await form(page).isVisible(), false, 'the form is closed');
    assert.ok(await page.getByLabel('Poll interval').isVisible(), 'the settings are back');
    assert.equal((await calls('get_settings')).length, 2, 'the settings were read again');
    assert.ok(await page.locator('.organization').getByText(LAB.apiUrl).isVisible(), 'the new organization is listed');
    assert.equal(await focusedId(page), 'add-organization');
    assert.equal(await inPage(page, LAB.key.trim()), false, 'no trace of the pasted key in the page');
  });
});

test('a name typed is saved and names the organization in the message', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await fillLab(page, 'Lab');
    await fields(page).key.press('Enter'); // Enter in a field saves
    await page.locator('#toast').getByText('Lab added; polling it now.').waitFor();
    assert.equal((await calls('save_organization'))[0].args.name, 'Lab');
    assert.deepEqual(await calls('save_settings'), [], 'the other settings are not saved with it');
  });
});

test('a refusal shows under the field it names, marked and described for a screen reader; one of no field as a message', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, answer, calls }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await fillLab(page);
    const all = fields(page);
    const refusals = [
      [ERRORS.apiUrl, all.apiUrl, 'org-api-url'],
      [ERRORS.organizationId, all.id, 'org-id'],
      [ERRORS.key, all.key, 'org-key'],
      [refusal('organizationName', 'Name: write at most 100 printable characters'), all.name, 'org-name'],
    ];
    for (const [reject, field, id] of refusals) {
      await answer('save_organization', { reject });
      await page.getByRole('button', { name: 'Save' }).click();
      const error = page.locator(`#${id}-error`);
      await error.getByText(reject.message, { exact: true }).waitFor();
      const [fieldBox, errorBox] = [await field.boundingBox(), await error.boundingBox()];
      assert.ok(errorBox.y > fieldBox.y && errorBox.y - (fieldBox.y + fieldBox.height) < 20, `${reject.field}: right under its field`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.ok((await description(field)).includes(reject.message), 'read with the field');
      assert.equal(await focusedId(page), id, 'the focus is on the field to fix');
      assert.equal(await page.locator('#organization-form .field-error:visible').count(), 1, 'under that field only');
      assert.ok(await form(page).isVisible(), 'the form stays open to fix it');
    }
    assert.equal(await all.key.inputValue(), LAB.key, 'the key is kept to be fixed');

    await answer('save_organization', { reject: refusal(null, 'The configuration file cannot be written: permission denied'), delay: 500 });
    await page.getByRole('button', { name: 'Save' }).click();
    assert.ok(await page.getByRole('button', { name: 'Save' }).isDisabled(), 'saved once at a time');
    await page.evaluate(() => document.body.offsetHeight); // a layout, after which a disabled button has lost the focus
    await page.clock.runFor(500);
    await page.locator('#toast[data-kind="error"]').getByText('The configuration file cannot be written: permission denied').waitFor();
    assert.equal(await page.locator('#organization-form .field-error:visible').count(), 0);
    assert.equal(await all.name.getAttribute('aria-invalid'), null);
    assert.ok(await page.getByRole('button', { name: 'Save' }).isEnabled(), 'it can be saved again');
    assert.equal(await focusedId(page), 'org-save', 'the focus stays on Save');

    await answer('test_connection', { reject: ERRORS.apiUrl });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#org-api-url-error').getByText(ERRORS.apiUrl.message).waitFor();
    await answer('test_connection', { reject: 'Command test_connection not allowed' });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#org-test-result').getByText('Command test_connection not allowed').waitFor();
    assert.equal(await page.locator('#org-api-url-error').isVisible(), false, 'the earlier refusal is gone');
    assert.equal((await calls('save_organization')).length, 5);
  });
});

test('Edit fills the form from the organization and saves it under its id, keeping its key when none is pasted', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    await openSettings(page);
    const edit = line(page, SKYLINE).getByRole('button', { name: 'Edit' });
    await edit.click();
    const { name, apiUrl, id, key } = fields(page);
    assert.ok(await page.getByRole('heading', { name: `Edit ${SKYLINE.name}` }).isVisible());
    assert.equal(await name.inputValue(), '', 'no name in the file: the name dataminer.services reports');
    assert.equal(await apiUrl.inputValue(), SKYLINE.apiUrl);
    assert.equal(await id.inputValue(), SKYLINE.organizationId);
    assert.equal(await key.inputValue(), '');
    assert.match(await key.getAttribute('placeholder'), /keep the current key/);

    await answer('test_connection', { value: CONNECTION_TESTS.connected });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(CONNECTION_TESTS.connected.message).waitFor();
    assert.deepEqual((await calls('test_connection'))[0].args, {
      previousId: SKYLINE.organizationId, apiUrl: SKYLINE.apiUrl, organizationId: SKYLINE.organizationId, key: null,
    });

    await apiUrl.fill('https://api.eu.example/');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#toast').getByText(`${SKYLINE.name} saved.`).waitFor();
    assert.deepEqual(await calls('save_organization'), [{
      cmd: 'save_organization',
      args: { previousId: SKYLINE.organizationId, name: '', apiUrl: 'https://api.eu.example/', organizationId: SKYLINE.organizationId, key: null },
    }]);
    assert.equal(await form(page).isVisible(), false);
    assert.ok(await edit.evaluate((b) => b === document.activeElement), 'the focus is back on its Edit');
  });
});

test("Edit shows the name the file gives, and a new name and key are saved", async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await openSettings(page);
    await line(page, BROKEN).getByRole('button', { name: 'Edit' }).click();
    const { name, key } = fields(page);
    assert.equal(await name.inputValue(), BROKEN.configuredName);
    await name.fill('Fixed');
    await key.fill('new-key-456');
    await key.press('Enter');
    await page.locator('#toast').getByText(/saved\.$/).waitFor();
    const { args } = (await calls('save_organization'))[0];
    assert.equal(args.name, 'Fixed');
    assert.equal(args.key, 'new-key-456');
    assert.equal(await inPage(page, 'new-key-456'), false, 'no trace of the pasted key in the page');
  });
});

test('Remove asks in the page first: Keep keeps the organization, Remove removes it', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    await openSettings(page);
    const row = line(page, SKYLINE);
    await row.getByRole('button', { name: `Remove ${SKYLINE.name}` }).click();
    const question = row.getByRole('group', { name: `Remove ${SKYLINE.name}?` });
    assert.ok(await question.isVisible());
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Keep', 'the focus is on the safe answer');

    await question.getByRole('button', { name: 'Keep' }).click();
    assert.equal(await question.isVisible(), false);
    assert.deepEqual(await calls('remove_organization'), [], 'kept');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Remove ${SKYLINE.name}`);

    await row.getByRole('button', { name: `Remove ${SKYLINE.name}` }).click();
    await answer('get_settings', { value: { ...SETTINGS, keys: [BROKEN] } });
    await question.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.locator('#toast').getByText(`${SKYLINE.name} removed.`).waitFor();
    assert.deepEqual(await calls('remove_organization'), [
      { cmd: 'remove_organization', args: { organizationId: SKYLINE.organizationId } },
    ]);
    assert.equal(await page.locator('.organization').count(), 1, 'its line is gone');
    assert.equal(await focusedId(page), 'add-organization');
  });
});

test('a removal that is refused says why and keeps the organization', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, answer }) => {
    await answer('remove_organization', { reject: refusal(null, 'The configuration file cannot be written: permission denied') });
    await openSettings(page);
    const row = line(page, BROKEN);
    await row.getByRole('button', { name: `Remove ${BROKEN.name}` }).click();
    await row.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.locator('#toast[data-kind="error"]').getByText('permission denied').waitFor();
    assert.equal(await page.locator('.organization').count(), 2);
    assert.ok(await row.getByRole('button', { name: `Remove ${BROKEN.name}` }).isVisible());
  });
});

test('in the demo, Add organization works and the note says it leaves the demo; Edit, Remove and the key fields do not', async () => {
  await withPopup({ view: fourStates(), settings: DEMO }, async ({ page, calls }) => {
    await openSettings(page);
    const add = page.getByRole('button', { name: 'Add organization' });
    assert.ok(await page.getByText('Add your organization below to leave the demo.').isVisible());
    assert.ok(await page.getByText(DEMO.reason).isVisible());
    assert.ok(await add.isEnabled());
    assert.equal(await focusedId(page), 'add-organization', 'the one thing left to do has the focus');
    for (const organization of DEMO.keys) {
      const row = line(page, organization);
      assert.ok(await row.getByRole('button', { name: `Edit ${organization.name}` }).isDisabled());
      assert.ok(await row.getByRole('button', { name: `Remove ${organization.name}` }).isDisabled());
      assert.ok(await row.getByRole('button', { name: 'Store in keyring' }).isDisabled());
      assert.ok(await row.locator('input').isDisabled());
    }

    await add.press('Enter');
    assert.ok(await page.getByText('Saving leaves the demo').isVisible(), 'the form says what saving does');
    for (const field of Object.values(fields(page))) assert.ok(await field.isEnabled());
    await fillLab(page, 'Lab');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#toast').getByText('Lab added').waitFor();
    assert.equal((await calls('save_organization')).length, 1);
  });
});

test('Escape leaves the form, or the question, and not the popup; Cancel forgets what was pasted', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await fillLab(page);
    await page.keyboard.press('Escape');
    assert.equal(await form(page).isVisible(), false, 'the form is left');
    assert.ok(await page.getByLabel('Poll interval').isVisible(), 'for the settings');
    assert.equal(await focusedId(page), 'add-organization', 'the focus is back where the form was opened');
    assert.equal(await inPage(page, LAB.key.trim()), false, 'the pasted key is forgotten');

    await line(page, SKYLINE).getByRole('button', { name: `Remove ${SKYLINE.name}` }).click();
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('group', { name: `Remove ${SKYLINE.name}?` }).isVisible(), false, 'the question is left');
    assert.deepEqual(await calls('hide_popup'), [], 'the popup stays');

    await page.getByRole('button', { name: 'Add organization' }).click();
    await fields(page).key.fill('cancelled-key');
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await inPage(page, 'cancelled-key'), false, 'Cancel forgets the pasted key');

    await page.keyboard.press('Escape'); // nothing open but the settings: the popup goes, as before
    assert.equal((await calls('hide_popup')).length, 1);
    assert.deepEqual(await calls('save_organization'), []);
  });
});

test('the form is used by keyboard alone: Tab goes through the fields and the buttons, Enter saves', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).focus();
    await page.keyboard.press('Enter');
    const order = [];
    for (let i = 0; i < 7; i += 1) {
      order.push(await focusedId(page));
      await page.keyboard.press('Tab');
    }
    assert.deepEqual(order, ['org-name', 'org-api-url', 'org-id', 'org-key', 'org-test', 'org-cancel', 'org-save']);

    await page.locator('#org-name').focus();
    await page.keyboard.type('Lab');
    await page.keyboard.press('Tab');
    await page.keyboard.type(LAB.apiUrl);
    await page.keyboard.press('Tab');
    await page.keyboard.type(LAB.organizationId);
    await page.keyboard.press('Tab');
    await page.keyboard.type('typed-key');
    await page.keyboard.press('Enter');
    await page.locator('#toast').getByText('Lab added').waitFor();
    assert.deepEqual((await calls('save_organization'))[0].args, {
      previousId: null, name: 'Lab', apiUrl: LAB.apiUrl, organizationId: LAB.organizationId, key: 'typed-key',
    });
  });
});

test('leaving the settings with the form open closes it and forgets the pasted key', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page }) => {
    await openSettings(page);
    await page.getByRole('button', { name: 'Add organization' }).click();
    await fillLab(page);
    await page.getByRole('button', { name: 'Settings' }).click(); // the gear again: back to the list
    assert.ok(await page.locator('#search').isVisible());
    assert.equal(await inPage(page, LAB.key.trim()), false);
    await openSettings(page);
    assert.equal(await form(page).isVisible(), false, 'the settings open as they were, without the form');
    assert.ok(await page.getByLabel('Poll interval').isVisible());
  });
});
