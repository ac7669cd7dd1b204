/*
 * invitees.mjs -- invitations sent by Summit in a real browser: an admin
 * adds an invitee with the console's form and imports two more (preview,
 * then confirm); the invitee opens the mailed link, presses "Register"
 * and gets the registration form filled in; another says they cannot
 * come from the mailed can't-come link.  Every page on the way passes axe
 * (no serious or critical violation), in both languages where it
 * matters.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ADMIN, assertAccessible, launch, login, newPage, open, scalar,
	waitForMail } from './lib.mjs';

let browser, admin, pub;
/* The add form (the filter form, a GET, has the same action). */
const ADD = 'form[method=post][action="/console/invitees"] button';
const IMPORT = 'form[action="/console/invitees/import"]';

before(async () => {
	browser = await launch();
	admin = await newPage(browser);
	pub = await newPage(browser);
	await login(admin, ADMIN);
});

after(async () => {
	await browser?.close();
});

/* Clicks SELECTOR (a form's button) and waits for the page it loads. */
async function submit(page, selector) {
	await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

test('axe: the invitees page, empty, in nb and en', async () => {
	for (const p of ['/console/invitees', '/console/invitees?lang=en']) {
		assert.equal(await open(admin, p), 200);
		await assertAccessible(admin, p);
	}
});

test('an admin adds one invitee with the form', async () => {
	assert.equal(await open(admin, '/console/invitees'), 200);
	await admin.fill('#name', 'Eva Invitert');
	await admin.fill('#email', 'eva.invitert@example.no');
	await admin.fill('#organisation', 'Testorg');
	await submit(admin, ADD);
	assert.match(new URL(admin.url()).search, /done=1/);
	assert.ok(await admin.locator('tr[data-email="eva.invitert@example.no"]')
	    .count() === 1);
	await assertAccessible(admin, '/console/invitees (one invitee)');
	/* The same address again: the field says why, the page stays clean. */
	await admin.fill('#name', 'Eva Igjen');
	await admin.fill('#email', 'eva.invitert@example.no');
	await submit(admin, ADD);
	assert.equal(await admin.locator('[aria-invalid=true]').count(), 1);
	await assertAccessible(admin, '/console/invitees (error)');
});

test('an admin imports two invitees: preview, then confirm', async () => {
	assert.equal(await open(admin, '/console/invitees/import'), 200);
	await assertAccessible(admin, '/console/invitees/import');
	await admin.fill('#csv', 'name,email,organisation\n' +
	    'Nils Nei,nils.nei@example.no,Org A\n' +
	    'Siri Senere,siri@example.no,Org B\n');
	await submit(admin, IMPORT + ':not(:has(input[name=confirm])) button');
	assert.equal(await admin.locator('#import-rows tr.ok').count(), 2);
	await assertAccessible(admin, '/console/invitees/import (preview)');
	assert.equal(scalar('SELECT count(*) FROM invitee'), '1');
	await submit(admin, IMPORT + ':has(input[name=confirm]) button');
	assert.equal(scalar('SELECT count(*) FROM invitee'), '3');
	await assertAccessible(admin, '/console/invitees/import (done)');
});

test('the mailed link: invitation page, then the filled-in form',
    async () => {
	const m = await waitForMail('eva.invitert@example.no',
	    /\/invite\/([0-9a-f]{32})/);
	for (const q of ['', '?lang=en']) {
		assert.equal(await open(pub, '/invite/' + m[1] + q), 200);
		await assertAccessible(pub, '/invite/TOKEN' + q);
	}
	assert.equal(scalar('SELECT count(*) FROM invitee WHERE visited_at' +
	    ' IS NOT NULL'), '0');
	await submit(pub, 'form[action^="/invite/"] button');
	assert.equal(await pub.inputValue('#email'), 'eva.invitert@example.no');
	assert.equal(await pub.inputValue('#name'), 'Eva Invitert');
	await assertAccessible(pub, '/invite/TOKEN (the form)');
	assert.equal(scalar('SELECT count(*) FROM invitee WHERE visited_at' +
	    ' IS NOT NULL'), '1');
});

test('the can\'t-come link: a page with one button', async () => {
	const m = await waitForMail('nils.nei@example.no',
	    /\/invite\/([0-9a-f]{32})\/decline/);
	assert.equal(await open(pub, '/invite/' + m[1] + '/decline'), 200);
	await assertAccessible(pub, '/invite/TOKEN/decline');
	await submit(pub, 'form[action$="/decline"] button');
	assert.equal(scalar('SELECT count(*) FROM invitee WHERE declined_at' +
	    ' IS NOT NULL'), '1');
	await assertAccessible(pub, '/invite/TOKEN/decline (done)');
});

test('axe: the list with every state, filtered', async () => {
	for (const p of ['/console/invitees', '/console/invitees?state=declined',
		'/console/invitees?lang=en']) {
		assert.equal(await open(admin, p), 200);
		await assertAccessible(admin, p);
	}
});
