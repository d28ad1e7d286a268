/**
 * Priorities and acknowledgements in the list: the "on air" and "lab" tags,
 * an acknowledged outage (who, how long ago, a calmer look), and the ⋯
 * menu's Acknowledge and priority items by mouse and by keyboard, with what
 * they ask of the monitor and what the user is told.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourOf, popupSuite, row, visibleNames } from './harness.mjs';
import { SETTINGS, STATE_TEXT, acknowledgement, before, organization, popupModel, refusal, system } from './fixtures.mjs';

const withPopup = popupSuite();

/** In the Rust side's order: problems nobody has acknowledged, the acknowledged one, the rest; on air first in each. */
const watched = () =>
  popupModel([
    organization('Skyline', [
      system('Tokyo MCR', 'noConnection', { lastSeenOnline: before(3 * 3600), priority: 'on-air' }),
      system('Sydney Hub', 'noConnection', { lastSeenOnline: before(3600) }),
      system('Lab Cluster', 'unknown', { lastSeenOnline: null, priority: 'lab' }),
      system('Ziine', 'dmsNotResponding', {
        lastSeenOnline: before(29 * 60),
        acknowledged: acknowledgement('alice', 4 * 60, 'dmsNotResponding'),
      }),
      system('Brussels Playout', 'ok', { priority: 'on-air' }),
      system('Gent', 'ok'),
    ]),
  ]);

const ids = (view, name) => {
  const org = view.organizations.find((o) => o.systems.some((s) => s.name === name));
  return { organizationId: org.id, systemId: org.systems.find((s) => s.name === name).id };
};

/** What a screen reader says a system's row is: its accessible name. */
const spoken = async (page, name) => (await row(page, name).ariaSnapshot()).match(/^- row "(.*)"/)[1];

const openMenu = async (page, name) => {
  await row(page, name).locator('.menu-button').click();
  return row(page, name).getByRole('menu');
};

/** Text as read, its spaces (the parts' no-break spaces among them) as single spaces. */
const words = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ');

/** The focused element's text. */
const focused = (page) => page.evaluate(() => document.activeElement.textContent);

test('an on-air system carries a red "on air" tag, a lab system a grey "lab" tag, a normal one none', async () => {
  for (const colorScheme of ['light', 'dark']) {
    await withPopup({ view: watched(), settings: SETTINGS, colorScheme }, async ({ page }) => {
      for (const name of ['Tokyo MCR', 'Brussels Playout']) {
        const tag = row(page, name).locator('.tag');
        assert.equal(await tag.textContent(), 'on air', `${name} is on air`);
        assert.equal(await colourOf(tag), 'red', `${name}'s tag is lit red (${colorScheme})`);
        assert.equal(await colourOf(tag, 'color'), 'white', 'in white words');
        assert.match(await tag.getAttribute('title'), /even in quiet hours/);
      }
      const lab = row(page, 'Lab Cluster').locator('.tag');
      assert.equal(await lab.textContent(), 'lab');
      assert.equal(await colourOf(lab), 'transparent', 'the lab tag is only outlined');
      assert.equal(await colourOf(lab, 'color'), 'grey', 'in the quiet grey');
      for (const name of ['Sydney Hub', 'Ziine', 'Gent']) {
        assert.equal(await row(page, name).locator('.tag').count(), 0, `${name}, of normal priority, has no tag`);
      }
    });
  }
});

test('the priority tag stays whole beside a long name, and a screen reader hears it with the name', async () => {
  const long = 'Sydney Contribution Hub — Secondary Playout Facility for the Asia-Pacific region';
  const view = popupModel([organization('Skyline', [system(long, 'ok', { priority: 'on-air' })])]);
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const r = row(page, long);
    const name = await r.locator('.name').evaluate((e) => e.scrollWidth > e.clientWidth);
    assert.ok(name, 'the name is cut');
    const tag = await r.locator('.tag').evaluate((e) => ({ cut: e.scrollWidth > e.clientWidth, right: e.getBoundingClientRect().right }));
    const button = await r.locator('.menu-button').boundingBox();
    assert.ok(!tag.cut && tag.right <= button.x, 'the tag is whole, left of the ⋯ button');
    assert.match(await spoken(page, long), /region\s+on air\s+Connected/);
  });
});

test('an acknowledged outage says who acknowledged it and when, keeps counting, and looks calmer in its own state', async () => {
  const view = watched();
  view.organizations[0].systems.push(system('Oslo', 'dmsNotResponding', { lastSeenOnline: before(60) }));
  await withPopup({ view, settings: SETTINGS }, async ({ page }) => {
    const ziine = row(page, 'Ziine');
    const line = ziine.locator('.acknowledgement');
    assert.equal(await words(line), '✓ Acknowledged by alice · 4 minutes ago');
    assert.match(await line.getAttribute('title'), /^Acknowledged .*2026/, 'the exact time when hovered');
    assert.match(await spoken(page, 'Ziine'), /not responding\s+Acknowledged by alice\s+· 4 minutes ago/);
    assert.equal(await row(page, 'Oslo').locator('.acknowledgement').count(), 0, 'only the acknowledged outage says so');

    // Still clearly not responding: its words, its glyph and its colour; the dot a ring instead of a lit disc.
    assert.ok(await ziine.getByText(STATE_TEXT.dmsNotResponding, { exact: true }).isVisible());
    assert.equal(await ziine.locator('.dot').textContent(), '!');
    assert.equal(await colourOf(ziine.locator('.dot'), 'color'), 'orange');
    assert.equal(await colourOf(ziine.locator('.dot')), 'transparent');
    assert.equal(await colourOf(row(page, 'Oslo').locator('.dot')), 'orange', 'an outage nobody has acknowledged stays lit');

    await page.clock.runFor(60_000);
    assert.equal(await words(line), '✓ Acknowledged by alice · 5 minutes ago');
    await page.clock.runFor(60 * 60_000);
    assert.equal(await words(line), '✓ Acknowledged by alice · 1 hour ago');
  });
});

test('the filter finds the systems on air, in the lab and acknowledged by their tags', async () => {
  await withPopup({ view: watched(), settings: SETTINGS }, async ({ page }) => {
    await page.keyboard.type('on air');
    assert.deepEqual(await visibleNames(page), ['Tokyo MCR', 'Brussels Playout']);
    await page.locator('#search').fill('acknowledged');
    assert.deepEqual(await visibleNames(page), ['Ziine']);
    await page.locator('#search').fill('lab');
    assert.deepEqual(await visibleNames(page), ['Lab Cluster']);
  });
});

test('Acknowledge is offered for an outage nobody has acknowledged, and acknowledges that system', async () => {
  const view = watched();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls, fire }) => {
    const offered = {};
    for (const name of ['Tokyo MCR', 'Lab Cluster', 'Ziine', 'Brussels Playout']) {
      const menu = await openMenu(page, name);
      offered[name] = await menu.getByRole('menuitem', { name: 'Acknowledge' }).count();
      await page.keyboard.press('Escape');
    }
    assert.deepEqual(offered, { 'Tokyo MCR': 1, 'Lab Cluster': 1, Ziine: 0, 'Brussels Playout': 0 });

    const menu = await openMenu(page, 'Tokyo MCR');
    await menu.getByRole('menuitem', { name: 'Acknowledge' }).click();
    assert.equal(await menu.isVisible(), false, 'the menu closes');
    assert.deepEqual(await calls('acknowledge'), [{ cmd: 'acknowledge', args: ids(view, 'Tokyo MCR') }]);
    const toast = page.locator('#toast');
    assert.equal(await toast.innerText(), 'Tokyo MCR acknowledged');
    assert.equal(await toast.getAttribute('data-kind'), 'info');
    assert.deepEqual(await calls('mute_system'), [], 'acknowledging is not muting');

    // The monitor sends the model with the acknowledgement; the row shows it.
    const next = structuredClone(view);
    const tokyo = next.organizations[0].systems[0];
    Object.assign(tokyo, { acknowledged: acknowledgement('alice', 0, 'noConnection'), acknowledgeable: false });
    await fire('view-updated', next);
    assert.equal(await words(row(page, 'Tokyo MCR').locator('.acknowledgement')), '✓ Acknowledged by alice · just now');
    assert.equal(await (await openMenu(page, 'Tokyo MCR')).getByRole('menuitem', { name: 'Acknowledge' }).count(), 0);
  });
});

test("the menu's priorities show the system's own as checked, and each sets the system's priority", async () => {
  const view = watched();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls, fire }) => {
    const checked = async (name) => {
      const menu = await openMenu(page, name);
      const group = menu.getByRole('group', { name: 'Priority' });
      const radios = group.getByRole('menuitemradio');
      const states = await radios.evaluateAll((items) => items.map((i) => `${i.textContent}: ${i.getAttribute('aria-checked')}`));
      await page.keyboard.press('Escape');
      return states;
    };
    assert.deepEqual(await checked('Brussels Playout'), ['on air: true', 'normal: false', 'lab: false']);
    assert.deepEqual(await checked('Gent'), ['on air: false', 'normal: true', 'lab: false']);
    assert.deepEqual(await checked('Lab Cluster'), ['on air: false', 'normal: false', 'lab: true']);
    // The checked one looks it, not only to a screen reader.
    const menu = await openMenu(page, 'Gent');
    const look = (name) => menu.getByRole('menuitemradio', { name, exact: true }).evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.notEqual(await look('normal'), await look('lab'));
    await page.keyboard.press('Escape');

    const toast = page.locator('#toast');
    const choose = async (item) => {
      const m = await openMenu(page, 'Gent');
      await m.getByRole(item === "Use the configuration's priority" ? 'menuitem' : 'menuitemradio', { name: item, exact: true }).click();
      assert.equal(await m.isVisible(), false, 'the menu closes');
      return toast.innerText();
    };
    assert.equal(await choose('on air'), 'Gent is now on air');
    assert.equal(await choose('lab'), 'Gent is now a lab system');
    assert.equal(await choose('normal'), 'Gent now has normal priority');
    assert.equal(await choose("Use the configuration's priority"), "Gent now follows the configuration's priority");
    const gent = ids(view, 'Gent');
    assert.deepEqual(await calls('set_priority'), [
      { cmd: 'set_priority', args: { ...gent, priority: 'on-air' } },
      { cmd: 'set_priority', args: { ...gent, priority: 'lab' } },
      { cmd: 'set_priority', args: { ...gent, priority: 'normal' } },
      { cmd: 'set_priority', args: { ...gent, priority: null } },
    ]);

    // The monitor's next model has Gent in the lab: its tag and its menu follow.
    const next = structuredClone(view);
    next.organizations[0].systems.find((s) => s.name === 'Gent').priority = 'lab';
    await fire('view-updated', next);
    assert.equal(await row(page, 'Gent').locator('.tag').textContent(), 'lab');
    assert.deepEqual(await checked('Gent'), ['on air: false', 'normal: false', 'lab: true']);
  });
});

test('from the keyboard, the menu reaches Acknowledge and the priorities, Home and End included', async () => {
  const view = watched();
  await withPopup({ view, settings: SETTINGS }, async ({ page, calls }) => {
    await page.keyboard.press('ArrowDown'); // Tokyo MCR, on air and not acknowledged
    await page.keyboard.press('Shift+F10');
    const menu = row(page, 'Tokyo MCR').getByRole('menu');
    assert.ok(await menu.isVisible());
    assert.equal(await focused(page), 'Open');
    await page.keyboard.press('End');
    assert.equal(await focused(page), "Use the configuration's priority");
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(page), 'lab');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(page), 'normal');
    await page.keyboard.press('Enter');
    assert.equal(await menu.isVisible(), false);
    assert.deepEqual((await calls('set_priority')).map((c) => c.args), [{ ...ids(view, 'Tokyo MCR'), priority: 'normal' }]);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search', 'the focus returns to the search box');

    await page.keyboard.press('ContextMenu');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(page), 'Open', 'Down from the last item wraps to the first');
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    assert.equal(await focused(page), 'Open');
    for (let i = 0; i < 5; i += 1) await page.keyboard.press('ArrowDown'); // Monitoring, Dashboards, History, Copy…
    assert.equal(await focused(page), 'Acknowledge');
    await page.keyboard.press(' ');
    assert.deepEqual((await calls('acknowledge')).map((c) => c.args), [ids(view, 'Tokyo MCR')]);
    assert.equal(await page.locator('#toast').innerText(), 'Tokyo MCR acknowledged');

    await page.keyboard.press('Shift+F10');
    await page.keyboard.press('Escape');
    assert.equal(await menu.isVisible(), false, 'Escape closes the menu');
    assert.deepEqual(await calls('hide_popup'), [], 'and only the menu');
  });
});

test('when acknowledging or setting a priority fails, the refusal shows as an error', async () => {
  await withPopup({ view: watched(), settings: SETTINGS }, async ({ page, answer }) => {
    const toast = page.locator('#toast');
    await answer('acknowledge', { reject: refusal(null, 'Tokyo MCR is connected again; there is nothing to acknowledge') });
    await (await openMenu(page, 'Tokyo MCR')).getByRole('menuitem', { name: 'Acknowledge' }).click();
    await toast.getByText('Tokyo MCR is connected again; there is nothing to acknowledge', { exact: true }).waitFor();
    assert.equal(await toast.getAttribute('data-kind'), 'error');

    await page.clock.runFor(5000);
    await answer('set_priority', { reject: refusal(null, 'The history cannot be written: disk full') });
    await (await openMenu(page, 'Gent')).getByRole('menuitemradio', { name: 'on air' }).click();
    await toast.getByText('The history cannot be written: disk full', { exact: true }).waitFor();
    assert.equal(await toast.getAttribute('data-kind'), 'error');
    assert.equal(await row(page, 'Gent').locator('.tag').count(), 0, 'the row stays as the monitor last said');
  });
});
