/*
 * door.mjs -- the check-in desk driven as a keyboard-wedge scanner drives
 * it: the code typed into the focused field and Enter, the green answer,
 * the field focused again for the next scan; two browsers (two desks,
 * two contexts) submitting one person's code at the same moment get one
 * green and one amber; axe-core on the desk, its search, the counts and
 * the participant page with its QR code.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { ADMIN, STAFF, assertAccessible, launch, login, newPage, open,
	scalar, sql } from './lib.mjs';

const browser = await launch();
const a = await newPage(browser);
const b = await newPage(browser);
await login(a, STAFF);
await login(b, ADMIN);

after(async () => {
	await browser.close();
});

const event = scalar('SELECT id FROM event');
sql(`UPDATE event SET starts_at = now() - interval '1 hour' WHERE id = $1`,
    event);

/* A confirmed person with the check-in code the database issued when
 * they were confirmed (sql/021); -> the code. */
function person(name) {
	const pid = scalar(`INSERT INTO participant (event_id, name, email,
	    organisation, sector, status, consent_at) VALUES ($1, $2, $3,
	    'Door Org', 'business', 'confirmed', now()) RETURNING id`, event,
	    name, name.toLowerCase().replace(/\W/g, '') + '@example.org');
	const code = scalar(`SELECT code FROM checkin_code WHERE
	    participant_id = $1 AND revoked_at IS NULL`, pid);
	assert.ok(code, 'no check-in code issued at confirmation');
	return { pid, code };
}

async function nameDesk(page, name) {
	assert.equal(await open(page, '/console/door'), 200);
	await page.fill('#door-name', name);
	await Promise.all([page.waitForURL(/\/console\/door/),
		page.click('form[action="/console/door/name"] button')]);
}

const outcome = (page) =>
	page.locator('#verdict').getAttribute('data-outcome');
const focused = (page) => page.evaluate(() => document.activeElement.id);

test('a scanner types the code and Enter: green, field ready again',
    async () => {
	await nameDesk(a, 'Door 1');
	const { code } = person('Scanner Person');
	/* The field has the focus without a click, as a scanner needs. */
	assert.equal(await focused(a), 'code');
	await a.keyboard.type(code);
	await Promise.all([a.waitForNavigation(), a.keyboard.press('Enter')]);
	assert.equal(await outcome(a), 'green');
	assert.match(await a.locator('#answer').innerText(), /Scanner Person/);
	assert.equal(await focused(a), 'code');
	assert.equal(await a.inputValue('#code'), '');
	/* The next scan, the same person: amber, where and when. */
	await a.keyboard.type(code.toLowerCase());
	await Promise.all([a.waitForNavigation(), a.keyboard.press('Enter')]);
	assert.equal(await outcome(a), 'amber');
	assert.match(await a.locator('#verdict').innerText(),
	    /\d\d:\d\d i Door 1/);
	assert.equal(await focused(a), 'code');
	await assertAccessible(a, '/console/door (amber answer)');
	/* Not a code: red, and still ready. */
	await a.keyboard.type('NOT-A-CODE');
	await Promise.all([a.waitForNavigation(), a.keyboard.press('Enter')]);
	assert.equal(await outcome(a), 'red');
	assert.equal(await focused(a), 'code');
	await assertAccessible(a, '/console/door (red answer)');
});

test('two desks scan one person at once: one green, one amber',
    async () => {
	await nameDesk(b, 'Door 2');
	for (let i = 0; i < 3; i++) {
		const { code } = person(`Twin Person ${i}`);
		await open(a, '/console/door');
		await open(b, '/console/door');
		await a.fill('#code', code);
		await b.fill('#code', code);
		await Promise.all([
			a.waitForNavigation(), b.waitForNavigation(),
			a.press('#code', 'Enter'), b.press('#code', 'Enter'),
		]);
		const got = [await outcome(a), await outcome(b)].sort();
		assert.deepEqual(got, ['amber', 'green']);
	}
});

test('search, counts and the participant page pass axe', async () => {
	assert.equal(await open(a, '/console/door?q=Twin'), 200);
	assert.match(await a.locator('table.door-found').innerText(),
	    /Twin Person 0/);
	await assertAccessible(a, '/console/door?q=Twin');
	assert.equal(await open(a, '/console/door/counts'), 200);
	await assertAccessible(a, '/console/door/counts');
	/* Reloading itself is the reader's choice, a button away. */
	assert.equal(await a.locator('form.door-auto input[name=auto]')
	    .count(), 1);
	assert.equal(await open(a, '/console/door/no-shows'), 200);
	await assertAccessible(a, '/console/door/no-shows');
	/* The participant's own page with the QR code (an SVG image). */
	const { pid } = person('Page Person');
	const token = 'd'.repeat(24) + String(pid).padStart(8, '0');
	sql(`INSERT INTO participant_token (hash, participant_id, purpose)
	    VALUES (encode(sha256($1::bytea), 'hex'), $2, 'manage')`, token, pid);
	assert.equal(await open(a, `/me/${token}`), 200);
	assert.equal(await a.locator('svg.qr').count(), 1);
	await assertAccessible(a, '/me/TOKEN with the check-in code');
});
