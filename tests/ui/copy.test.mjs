/**
 * Text for the next shift and for an incident ticket: a row's "Copy
 * incident summary" and the History view's "Copy handover report" ask the
 * monitor, which owns the clipboard, and say what came of it.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { popupSuite, row } from './harness.mjs';
import { SETTINGS, organization, popupModel, refusal, system } from './fixtures.mjs';

const withPopup = popupSuite();

const view = () =>
  popupModel([organization('Skyline', [system('Tokyo MCR', 'noConnection'), system('Gent', 'ok')])]);

test("a row's Copy incident summary asks the monitor for that system's summary and says it is copied", async () => {
  const model = view();
  await withPopup({ view: model, settings: SETTINGS }, async ({ page, calls }) => {
    await row(page, 'Tokyo MCR').locator('.menu-button').click();
    await row(page, 'Tokyo MCR').getByRole('menuitem', { name: 'Copy incident summary' }).click();
    const [org] = model.organizations;
    assert.deepEqual(await calls('copy_incident_summary'), [
      { cmd: 'copy_incident_summary', args: { organizationId: org.id, systemId: org.systems[0].id } },
    ]);
    const toast = page.locator('#toast');
    assert.equal(await toast.innerText(), 'The incident summary of Tokyo MCR is on the clipboard');
    assert.equal(await toast.getAttribute('data-kind'), 'info');
  });
});

test('the History view copies the handover report, and a refusal shows as an error', async () => {
  await withPopup({ view: view(), settings: SETTINGS }, async ({ page, calls, answer }) => {
    await page.getByRole('button', { name: 'History' }).click();
    const copy = page.getByRole('button', { name: 'Copy handover report' });
    await copy.click();
    assert.deepEqual(await calls('copy_report'), [{ cmd: 'copy_report', args: null }]);
    const toast = page.locator('#toast');
    assert.equal(await toast.innerText(), 'The handover report of the last 12 hours is on the clipboard');

    await page.clock.runFor(5000);
    await answer('copy_report', { reject: refusal(null, 'No clipboard: the display cannot be reached') });
    await copy.click();
    await toast.getByText('No clipboard: the display cannot be reached', { exact: true }).waitFor();
    assert.equal(await toast.getAttribute('data-kind'), 'error');
  });
});
