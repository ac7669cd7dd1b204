/*
 * a11y.mjs -- axe-core on every public page and every console page, in
 * both languages where it matters: no violation of impact serious or
 * critical.  A console page that answers 404 is not built yet and is
 * reported as a TAP skip (never a pass); when it lands it is checked.
 * Console pages reached by following the console's own links are
 * checked too, so a page missing from the list below is not missed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ADMIN, BASE, assertAccessible, crawlConsole, launch, login,
	newPage, open, registerAndConfirm, scalar } from './lib.mjs';

let browser, pub, admin;
let meToken;
const checked = new Set();

before(async () => {
	browser = await launch();
	pub = await newPage(browser);
	admin = await newPage(browser);
});

after(async () => {
	await browser?.close();
});

/* Clicks SELECTOR and waits for the POST and the new page's load. */
async function posted(page, selector) {
	const [r] = await Promise.all([
		page.waitForResponse((x) => x.request().method() === 'POST'),
		page.waitForEvent('load'),
		page.click(selector),
	]);
	return r;
}

async function check(page, path, expect = 200) {
	const status = await open(page, path);
	assert.equal(status, expect, `${path} answered ${status}`);
	await assertAccessible(page, path);
	checked.add(path.replace(/\?.*$/, ''));
}

/* axe itself finds what it should: a field without a label. */
test('axe reports an unlabelled field as critical', async () => {
	await pub.setContent('<!doctype html><html lang="en"><title>x</title>' +
	    '<main><h1>x</h1><form><input name="q"></form></main></html>');
	await assert.rejects(assertAccessible(pub, 'a bad page'),
	    /critical label/);
});

/* ---- public pages ---- */

for (const path of ['/', '/register', '/privacy', '/?lang=en',
	'/register?lang=en'])
	test(`axe: public ${path}`, () => check(pub, path));

test('axe: registration form with errors', async () => {
	assert.equal(await open(pub, '/register'), 200);
	/* Sent empty: every field says what is wrong, beside it. */
	await posted(pub, 'form[action="/register"] button[type=submit]');
	assert.ok(await pub.locator('[role=alert]').count() > 0,
	    'no role=alert on a form with errors');
	assert.ok(await pub.locator('[aria-invalid=true]').count() > 0);
	await assertAccessible(pub, '/register (errors)');
});

test('axe: /registered after registering', async () => {
	meToken = await registerAndConfirm(pub, 'axe@example.no');
	await check(pub, '/registered');
});

test('axe: participant page /me/TOKEN', async () => {
	assert.ok(meToken);
	await check(pub, '/me/' + meToken);
	await check(pub, '/me/' + meToken + '?done=saved');
	/* Deleting the registration: the confirmation page. */
	await check(pub, '/me/' + meToken + '/delete');
});

test('axe: error pages (404, unknown participant link)', async () => {
	await check(pub, '/no/such/page', 404);
	await check(pub, '/me/' + '0'.repeat(32), 404);
});

/* ---- console ---- */

test('axe: console login page (and a failed login)', async () => {
	await check(admin, '/console/login');
	await admin.fill('#email', ADMIN);
	await admin.fill('#password', 'not the password');
	await posted(admin, 'main form button[type=submit]');
	await assertAccessible(admin, '/console/login (failed)');
	await login(admin, ADMIN);
});

const pid = () => scalar(`SELECT min(id) FROM participant WHERE status =
    'confirmed'`);
const sid = () => scalar('SELECT min(id) FROM session');
const slot = () => scalar('SELECT min(id) FROM slot');

/* Every console page the issue asks for; those not built yet skip. */
const CONSOLE = [
	['/console'],
	['/console/audit'],
	['/console/mail'],
	['/console/mail/bounces'],
	['/console/api'],
	['/console/registrations'],
	['/console/registrations?q=Deltaker'],
	['/console/registrations/ID', () => `/console/registrations/${pid()}`],
	['/console/registrations/import'],
	['/console/event'],
	['/console/programme'],
	['/console/slots/ID', () => `/console/slots/${slot()}`],
	['/console/sessions/new'],
	['/console/sessions/ID', () => `/console/sessions/${sid()}`],
	['/console/sectors'],
	['/console/sectors/CODE', () => '/console/sectors/academia'],
	['/console/codes'],
	['/console/allocation'],
	['/console/sessions/ID/seating',
		() => `/console/sessions/${sid()}/seating`],
	['/console/sessions/ID/plan', () => `/console/sessions/${sid()}/plan`],
	['/console/sessions/ID/cards', () => `/console/sessions/${sid()}/cards`],
	['/console/publish'],
	['/console/refill'],
];

for (const [name, p] of CONSOLE) {
	test(`axe: console ${name}`, async (t) => {
		const path = p ? p() : name;
		const status = await open(admin, path);
		if (status === 404) {
			t.skip(`${path} answers 404: not built yet`);
			return;
		}
		assert.equal(status, 200, `${path} answered ${status}`);
		await assertAccessible(admin, path);
		checked.add(path.replace(/\?.*$/, ''));
	});
}

test('axe: every other console page linked from the console', async () => {
	const { pages } = await crawlConsole(admin, 80);
	const bad = [];
	let n = 0;
	for (const { path, status } of pages) {
		if (checked.has(path.replace(/\?.*$/, '')))
			continue;
		if (status === 404) {
			/* Linked but not built yet: a skip in the list above. */
			continue;
		}
		if (status !== 200) {
			bad.push(`${path} answered ${status}`);
			continue;
		}
		await open(admin, path);
		try {
			await assertAccessible(admin, path);
		} catch (e) {
			bad.push(e.message);
		}
		n++;
	}
	console.log(`crawled ${pages.length} console pages, ${n} not in ` +
	    `the list: ` + pages.map((x) => x.path).join(' '));
	assert.deepEqual(bad, []);
});

test('axe: console in English', async () => {
	await check(admin, '/console?lang=en');
	assert.equal(await admin.getAttribute('html', 'lang'), 'en');
	assert.equal(new URL(admin.url()).origin, BASE);
});
