/**
 * What the user does: filter, move with the keyboard, open remote access by
 * click, by Enter and through a row's menu, mute a system, close, refresh.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourOf, popupSuite, row, selectedName, visibleNames } from './harness.mjs';
import { SETTINGS, fourStates, organization, popupModel, realistic, refusal, system } from './fixtures.mjs';

const withPopup = popupSuite();

const ids = (view, name) => {
  for (const org of view.organizations) {
    const found = org.systems.find((s) => s.name === name);
    if (found) return { organizationId: org.id, systemId: found.id };
  }
  throw new Error(`no system ${name}`);
};

test('typing filters the systems by name, organization and state', async () => {
  const view = popupModel([
    organization('Skyline', fourStates().organizations[0].systems),
    organization('Acme Media', [system('Acme One')]),
  ]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search', 'the search box has the focus on open');
    const all = await visibleNames(page);
    assert.equal(all.length, 5);

    await page.keyboard.type('TOK');
    assert.deepEqual(await visibleNames(page), ['Tokyo MCR'], 'by name, any case');
    await page.locator('#search').fill('');
    await page.keyboard.type('acme');
    assert.deepEqual(await visibleNames(page), ['Acme One'], 'by organization');
    assert.equal(await page.locator('.org:visible .org-name').allTextContents().then((n) => n.join()), 'Acme Media');
    await page.locator('#search').fill('');
    await page.keyboard.type('not respond');
    assert.deepEqual(await visibleNames(page), ['Ziine'], 'by state text');
    assert.equal(await page.locator('#no-match').isVisible(), false);

    await page.keyboard.type('ing xyz');
    assert.deepEqual(await visibleNames(page), []);
    assert.equal(await page.locator('#no-match').innerText(), 'No system matches “not responding xyz”');

    await page.locator('#search').fill('');
    assert.deepEqual(await visibleNames(page), all, 'clearing the filter shows everything again');
    assert.equal(await page.locator('#no-match').isVisible(), false);
  });
});

test('arrow keys move a visible selection and Enter opens remote access of the selected system', async () => {
  const view = realistic();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    assert.equal(await selectedName(page), null, 'nothing is selected on open');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), 'Tokyo MCR');
    const unselected = await colourOf(row(page, 'Sydney Contribution Hub — Secondary Playout Facility'));
    assert.notEqual(await colourOf(row(page, 'Tokyo MCR')), unselected, 'the selected row is highlighted');

    for (let i = 0; i < 5; i += 1) await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), 'Brussels Playout');
    await page.keyboard.press('ArrowUp');
    assert.equal(await selectedName(page), 'Ziine', 'the acknowledged outage, after those nobody has acknowledged');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await selectedName(page), 'Amsterdam NOC');
    await page.keyboard.press('Enter');
    assert.deepEqual(await calls('open_remote'), [
      { cmd: 'open_remote', args: { ...ids(view, 'Amsterdam NOC'), app: 'root' } },
    ]);

    for (let i = 0; i < 20; i += 1) await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), 'São Paulo Ingest', 'the selection stops at the last row');
    assert.ok(await row(page, 'São Paulo Ingest').isVisible());
    const inView = await row(page, 'São Paulo Ingest').evaluate((r) => {
      const box = r.getBoundingClientRect();
      const scroller = document.getElementById('scroller').getBoundingClientRect();
      return box.top >= scroller.top && box.bottom <= scroller.bottom;
    });
    assert.ok(inView, 'the selected row is scrolled into view');
  });
});

test('while filtering, the first match is selected and Enter opens it', async () => {
  const view = realistic();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    await page.keyboard.type('ghent');
    assert.equal(await selectedName(page), 'Ghent Studio A');
    await page.keyboard.press('Enter');
    assert.deepEqual(await calls('open_remote'), [
      { cmd: 'open_remote', args: { ...ids(view, 'Ghent Studio A'), app: 'root' } },
    ]);
  });
});

test('a click on a connected system opens its remote access', async () => {
  const view = fourStates();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    await row(page, 'Brussels Playout').click();
    assert.deepEqual(await calls('open_remote'), [
      { cmd: 'open_remote', args: { ...ids(view, 'Brussels Playout'), app: 'root' } },
    ]);
    assert.equal(await selectedName(page), 'Brussels Playout');
  });
});

test('a system without remote access says why, and neither Enter nor a click tries to open it', async () => {
  const view = fourStates();
  const { reason } = view.organizations[0].systems.find((s) => s.name === 'Tokyo MCR').remote;
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    const tokyo = row(page, 'Tokyo MCR');
    assert.ok(await tokyo.getByText(reason).isVisible(), 'the reason is on the row');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await tokyo.click();
    assert.deepEqual(await calls('open_remote'), []);
    assert.equal(await page.locator('#toast').innerText(), reason, 'trying says why it cannot');
  });
});

test("a row's menu opens Monitoring and Dashboards, and has the History", async () => {
  const view = fourStates();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    const brussels = row(page, 'Brussels Playout');
    await brussels.locator('.menu-button').click();
    const menu = brussels.getByRole('menu');
    assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), [
      'Open', 'Monitoring', 'Dashboards', 'History', 'Copy incident summary', 'Mute for 1 hour', 'Mute for 8 hours', 'Mute for 24 hours',
      "Use the configuration's priority",
    ]);
    await menu.getByRole('menuitem', { name: 'Monitoring' }).click();
    assert.equal(await menu.isVisible(), false, 'the menu closes');
    assert.deepEqual(await calls('open_remote'), [
      { cmd: 'open_remote', args: { ...ids(view, 'Brussels Playout'), app: 'monitoring' } },
    ]);

    // From the keyboard: Shift+F10 on the selected row, then the arrows.
    await page.keyboard.press('Shift+F10');
    assert.ok(await menu.isVisible());
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.deepEqual((await calls('open_remote')).at(-1).args, { ...ids(view, 'Brussels Playout'), app: 'dashboard' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search', 'the focus returns to the search box');
  });
});

test("a row's menu mutes the system's notifications, with or without remote access, and says so", async () => {
  const view = popupModel([organization('Skyline', [system('<b>Ziine</b>', 'noConnection'), system('Brussels Playout')])]);
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls, answer }) => {
    const toast = page.locator('#toast');
    const mute = async (name, item) => {
      await row(page, name).locator('.menu-button').click();
      await row(page, name).getByRole('menuitem', { name: item }).click();
      await toast.waitFor();
      return toast.innerText();
    };
    assert.equal(await mute('<b>Ziine</b>', 'Mute for 8 hours'), 'Notifications for <b>Ziine</b> muted for 8 hours');
    assert.equal(await row(page, '<b>Ziine</b>').getByRole('menu').isVisible(), false, 'the menu closes');
    await page.clock.runFor(5000);
    assert.equal(await mute('Brussels Playout', 'Mute for 1 hour'), 'Notifications for Brussels Playout muted for 1 hour');
    assert.deepEqual(await calls('mute_system'), [
      { cmd: 'mute_system', args: { ...ids(view, '<b>Ziine</b>'), hours: 8 } },
      { cmd: 'mute_system', args: { ...ids(view, 'Brussels Playout'), hours: 1 } },
    ]);
    assert.deepEqual(await calls('open_remote'), []);

    await page.clock.runFor(5000);
    await answer('mute_system', { reject: refusal(null, 'The settings cannot be written: permission denied') });
    assert.equal(await mute('Brussels Playout', 'Mute for 24 hours'), 'The settings cannot be written: permission denied');
    assert.equal(await toast.getAttribute('data-kind'), 'error');
    assert.equal((await calls('mute_system')).at(-1).args.hours, 24);
  });
});

test("a row's menu stays inside the list, for a row at the top, in the middle or at the end", async () => {
  await withPopup({ view: realistic(), settings: SETTINGS }, async ({ page }) => {
    for (const name of ['Tokyo MCR', 'Frankfurt Edge', 'São Paulo Ingest']) {
      const r = row(page, name);
      await r.scrollIntoViewIfNeeded();
      await r.locator('.menu-button').click();
      const menu = await r.getByRole('menu').boundingBox();
      const list = await page.locator('#scroller').boundingBox();
      assert.ok(menu.y >= list.y && menu.y + menu.height <= list.y + list.height, `${name}'s menu is fully visible`);
      await page.keyboard.press('Escape');
    }
  });
});

test("a row's remote access items are disabled when the system cannot be opened, its History is not", async () => {
  const view = fourStates();
  const { reason } = view.organizations[0].systems.find((s) => s.name === 'Ziine').remote;
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    const ziine = row(page, 'Ziine');
    await ziine.locator('.menu-button').click();
    for (const name of ['Open', 'Monitoring', 'Dashboards']) {
      assert.ok(await ziine.getByRole('menuitem', { name }).isDisabled(), `${name} is disabled`);
    }
    assert.equal(await ziine.getByRole('menuitem', { name: 'History' }).isDisabled(), false);
    await ziine.getByRole('menuitem', { name: 'Monitoring' }).click({ force: true }); // a person can still click it
    assert.deepEqual(await calls('open_remote'), []);
    assert.equal(await page.locator('#toast').innerText(), reason);
  });
});

test('a live update leaves an open menu open', async () => {
  const view = fourStates();
  await withPopup({ view, settings: SETTINGS }, async ({ page, fire, calls }) => {
    await row(page, 'Brussels Playout').locator('.menu-button').click();
    await page.keyboard.press('ArrowDown');
    await fire('view-updated', { ...view, lastUpdate: view.now });
    await page.keyboard.press('Enter');
    assert.deepEqual((await calls('open_remote')).map((c) => c.args.app), ['monitoring']);
  });
});

test('Escape closes an open menu first, then the popup', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    const menu = row(page, 'Brussels Playout').getByRole('menu');
    await row(page, 'Brussels Playout').locator('.menu-button').click();
    await page.keyboard.press('Escape');
    assert.equal(await menu.isVisible(), false);
    assert.deepEqual(await calls('hide_popup'), []);
    await page.keyboard.press('Escape');
    assert.deepEqual(await calls('hide_popup'), [{ cmd: 'hide_popup', args: null }]);
  });
});

test('the close button hides the popup and the refresh button asks for new data', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, calls }) => {
    await page.getByRole('button', { name: 'Refresh now' }).click();
    assert.deepEqual(await calls('refresh_now'), [{ cmd: 'refresh_now', args: null }]);
    await page.getByRole('button', { name: 'Close' }).click();
    assert.deepEqual(await calls('hide_popup'), [{ cmd: 'hide_popup', args: null }]);
  });
});

test('when remote access fails to open, the message shows for a few seconds', async () => {
  await withPopup({ view: fourStates(), settings: SETTINGS }, async ({ page, answer }) => {
    const message = 'ziine-skyline.example.com is not an allowed remote-access host';
    await answer('open_remote', { reject: refusal(null, message) });
    await row(page, 'Brussels Playout').click();
    const toast = page.locator('#toast');
    await toast.getByText(message, { exact: true }).waitFor();
    assert.equal(await toast.getAttribute('data-kind'), 'error');
    await page.clock.runFor(5000);
    assert.equal(await toast.isVisible(), false);

    // Tauri itself rejects with a plain string, which shows as it is.
    await answer('open_remote', { reject: 'Command open_remote not allowed' });
    await row(page, 'Brussels Playout').click();
    await toast.getByText('Command open_remote not allowed', { exact: true }).waitFor();
  });
});
