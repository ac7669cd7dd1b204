/*
 * bulk.mjs -- bulk actions on the registrations list in a real browser at
 * 1366x768 (issue 14 item 2): an admin ticks two rows, chooses "cancel",
 * reads the confirmation page naming both, confirms, and finds the one
 * audit entry listing them in the audit log.  The select-all checkbox
 * (JavaScript) ticks the page; with JavaScript off, "all matching the
 * filter" leads to a confirmation page listing exactly the filter's set.
 * Every page passes axe.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ADMIN, assertAccessible, launch, login, newPage, open, scalar,
	snapshot } from './lib.mjs';

let browser, page;

before(async () => {
	browser = await launch();
	page = await newPage(browser);
	await page.setViewportSize({ width: 1366, height: 768 });
	await login(page, ADMIN);
});

after(async () => {
	await browser?.close();
});

const idOf = (name) => scalar('SELECT id FROM participant WHERE name = $1',
    name);

test('the list with its checkboxes passes axe; select-all ticks the page',
    async () => {
	assert.equal(await open(page, '/console/registrations?q=Deltaker'), 200);
	await assertAccessible(page, 'the list with the bulk bar');
	const boxes = page.locator('input.bulk-row');
	assert.ok(await boxes.count() > 2);
	await page.check('#bulk-all');
	for (const b of await boxes.all())
		assert.equal(await b.isChecked(), true);
	await page.uncheck('#bulk-all');
	for (const b of await boxes.all())
		assert.equal(await b.isChecked(), false);
});

test('two rows ticked, confirmed, cancelled, one audit entry', async () => {
	const a = idOf('Deltaker 3'), b = idOf('Deltaker 4');
	const since = scalar('SELECT coalesce(max(id), 0) FROM audit_log');
	assert.equal(await open(page, '/console/registrations?q=Deltaker'), 200);
	await page.check(`#sel-${a}`);
	await page.check(`#sel-${b}`);
	await page.check('#scope-selected');
	await page.selectOption('#bulk-action', 'cancelled');
	const before = snapshot();
	await Promise.all([page.waitForURL(/\/bulk$/),
		page.click('#bulk button[type=submit]')]);
	assert.equal(await page.locator('#bulk-count').innerText(), '2');
	const names = await page.locator('#bulk-people li a').allInnerTexts();
	assert.deepEqual(names, ['Deltaker 3', 'Deltaker 4']);
	await assertAccessible(page, 'the confirmation page');
	assert.deepEqual(snapshot(), before, 'the confirmation page changed');
	await Promise.all([page.waitForURL(/\/bulk\/apply$/),
		page.click('form[action$="/bulk/apply"] button[type=submit]')]);
	assert.equal(await page.locator('#bulk-changed').innerText(), '2');
	await assertAccessible(page, 'the outcome page');
	assert.equal(scalar(`SELECT string_agg(status, ',' ORDER BY id) FROM
	    participant WHERE id IN ($1, $2)`, a, b), 'cancelled,cancelled');
	const entries = scalar(`SELECT count(*) FROM audit_log WHERE id > $1
	    AND action = 'registrations.bulk_status'`, since);
	assert.equal(entries, '1');
	assert.equal(scalar(`SELECT after->>'changed' FROM audit_log WHERE
	    id > $1 AND action = 'registrations.bulk_status'`, since),
	    `[${a}, ${b}]`);
	/* The audit log shows it, listing both. */
	await Promise.all([page.waitForURL(/\/console\/audit$/),
		page.click('a[href$="/console/audit"] >> nth=-1')]);
	const row = page.locator('tr', { hasText: 'registrations.bulk_status' })
	    .first();
	assert.match(await row.innerText(), new RegExp(`"changed": \\[${a}, ${b}\\]`));
	await assertAccessible(page, 'the audit log');
});

test('without JavaScript, all matching the filter', async () => {
	const ctx = await browser.newContext({ javaScriptEnabled: false,
		locale: 'nb-NO' });
	const p = await ctx.newPage();
	await p.setViewportSize({ width: 1366, height: 768 });
	await login(p, ADMIN);
	assert.equal(await open(p, '/console/registrations?sector=union'), 200);
	assert.equal(await p.locator('#bulk-all').count(), 0);
	await p.check('#scope-filter');
	await p.selectOption('#bulk-action', 'waitlisted');
	await Promise.all([p.waitForURL(/\/bulk$/),
		p.click('#bulk button[type=submit]')]);
	const want = scalar(`SELECT string_agg(name, '|' ORDER BY id) FROM
	    participant WHERE sector = 'union'`);
	const names = await p.locator('#bulk-people li a').allInnerTexts();
	assert.equal(names.join('|'), want);
	assert.equal(await p.locator('#bulk-count').innerText(),
	    String(want.split('|').length));
	await ctx.close();
});
