/**
 * A hook that failed is said in the footer, until that hook goes through
 * again; a long sentence is cut rather than pushing the refresh button out.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { popupSuite } from './harness.mjs';
import { SETTINGS, fourStates, popupModel } from './fixtures.mjs';

const withPopup = popupSuite();

const PROBLEM = "Hook 'teams' failed: HTTP 500 after 3 tries";

test("a hook's failure shows in the footer until the hook goes through again", async () => {
  const view = fourStates();
  const failed = popupModel(view.organizations, { hookProblem: PROBLEM });
  await withPopup({ view: failed, settings: SETTINGS }, async ({ page, fire }) => {
    const line = page.locator('#hook-problem');
    assert.equal(await line.isVisible(), true);
    assert.equal(await line.textContent(), PROBLEM);
    assert.equal(await line.getAttribute('title'), PROBLEM, 'the whole sentence on hover');
    assert.equal(await page.locator('#updated').isVisible(), true, 'the time of the last update stays');

    await fire('view-updated', view);
    assert.equal(await line.isVisible(), false);
  });
});

test('a long failure is cut to the footer, which keeps its height and its refresh button', async () => {
  const view = fourStates();
  const long = `Hook 'pager' failed: cannot start /opt/${'very-long-folder-name/'.repeat(8)}page (No such file or directory)`;
  await withPopup({ view, settings: SETTINGS }, async ({ page, fire }) => {
    const footer = page.locator('.footer');
    const height = (await footer.boundingBox()).height;
    await fire('view-updated', popupModel(view.organizations, { hookProblem: long }));
    assert.equal(await page.locator('#hook-problem').textContent(), long);
    assert.equal((await footer.boundingBox()).height, height);
    const button = await page.locator('#refresh-button').boundingBox();
    const viewport = page.viewportSize();
    assert.ok(button.x + button.width <= viewport.width, `the refresh button is cut off at x = ${button.x}`);
  });
});
