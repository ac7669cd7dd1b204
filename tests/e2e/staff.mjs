/*
 * staff.mjs -- a staff organiser reads the console but cannot change
 * anything: the server refuses, not only the buttons.  Every POST form an
 * admin sees in the console (found by following the console's links) and
 * every changing route the issue names is posted as staff, with staff's
 * own valid CSRF token and the admin form's fields: each answers 403 (the
 * role, not the CSRF check) and the database is unchanged.  Routes that
 * answer 404 are not built yet and skip.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { ADMIN, BASE, STAFF, crawlConsole, csrfOf, launch, login, newPage,
	open, scalar, snapshot, sql } from './lib.mjs';

const browser = await launch();
const admin = await newPage(browser);
const staff = await newPage(browser);
const nobody = await newPage(browser);
await login(admin, ADMIN);
await login(staff, STAFF);

after(async () => {
	await browser.close();
});

/* What staff may do: read, export, check in (the desk too); logging out
 * is theirs too. */
const STAFF_MAY = /\/(logout|login|check-?in|checkin|export|preview|door)\b/;

const pid = scalar(`SELECT min(id) FROM participant`);
const sid = scalar('SELECT min(id) FROM session');
/* The changing routes of the console's route tables, posted even when
 * no page links a form to them (a cancelled session's reinstate, say). */
const CANDIDATES = [
	'/console/event', '/console/slots', '/console/slots/1',
	'/console/slots/1/delete', '/console/sessions', `/console/sessions/${sid}`,
	`/console/sessions/${sid}/cancel`, `/console/sessions/${sid}/reinstate`,
	'/console/sectors', '/console/sectors/other',
	'/console/sectors/other/delete', '/console/codes',
	'/console/allocation/apply', '/console/publish',
	`/console/registrations/${pid}/status`,
	`/console/registrations/${pid}/promote`,
	`/console/registrations/${pid}/resend-confirmation`,
	`/console/registrations/${pid}/resend-invitations`,
	`/console/registrations/${pid}/erase`,
	'/console/registrations/import', '/console/mail/1/resend',
];

/* The admin's forms, one per route shape, then the named candidates. */
const { pages, forms } = await crawlConsole(admin, 80);
const targets = new Map();
const shape = (a) => a.replace(/\?.*$/, '').replace(/\/\d+(?=\/|$)/g, '/N');
for (const f of forms) {
	const action = new URL(f.action, BASE + f.page).pathname;
	if (STAFF_MAY.test(action) || targets.has(shape(action)))
		continue;
	targets.set(shape(action), { action, fields: f.fields, from: f.page });
}
for (const action of CANDIDATES)
	if (!targets.has(shape(action)))
		targets.set(shape(action), { action, fields: [], from: null });
/* Moving, pinning and banning: the seating page shows its forms only
 * once people are placed, so these are posted by hand. */
const [[sid2]] = sql(`SELECT id FROM session WHERE slot_id = (SELECT slot_id
    FROM session WHERE id = $1) AND id <> $1 ORDER BY id LIMIT 1`, sid);
for (const action of ['move', 'pin', 'ban'])
	targets.set('seating ' + action, {
		action: `/console/sessions/${sid}/seating`, from: null,
		fields: [['participant', pid], ['to_session', sid2],
			['table', '1'], ['override', '1'], ['action', action]],
	});

test('staff sees the console pages', async () => {
	let n = 0;
	for (const p of ['/console', '/console/audit', '/console/mail',
		'/console/registrations', '/console/allocation', '/console/event']) {
		const status = await open(staff, p);
		if (status === 404)
			continue;
		assert.equal(status, 200, `staff GET ${p} answered ${status}`);
		n++;
	}
	assert.ok(n >= 2);
	assert.equal(await open(staff, '/console'), 200);
	/* Signed in as staff, not as someone else. */
	assert.match(await staff.locator('header').innerText(),
	    /staff@example\.org/);
});

test('staff CSRF token works: wrong is refused, right is taken', async () => {
	/* On a route staff may use (logout), in a third session of theirs. */
	const other = await newPage(browser);
	await login(other, STAFF);
	const bad = await other.request.post(BASE + '/console/logout', {
		form: { _csrf: '0'.repeat(64) }, maxRedirects: 0 });
	assert.equal(bad.status(), 403);
	assert.match(await bad.text(), /utløpt|expired/);
	const good = await other.request.post(BASE + '/console/logout', {
		form: { _csrf: await csrfOf(other) }, maxRedirects: 0 });
	assert.equal(good.status(), 303);
	assert.equal(await open(other, '/console'), 200);
	assert.equal(new URL(other.url()).pathname, '/console/login');
	await other.context().close();
});

for (const [, t] of targets) {
	const label = t.from ? `${t.action} (form on ${t.from})` :
	    t.action + (t.fields.length ? ` (${t.fields.map((f) => f.join('='))
		.join('&')})` : '');
	test(`staff POST ${label} is refused with 403 and changes nothing`,
	    async (tc) => {
		await open(staff, '/console');
		const csrf = await csrfOf(staff);
		const form = Object.fromEntries(t.fields);
		form._csrf = csrf;
		const before = snapshot(['login_session', 'login_failure']);
		/* Not signed in, an existing console route sends to the login
		 * page before anything else; only a missing route says 404. */
		const anon = await nobody.request.post(BASE + t.action,
		    { form, maxRedirects: 0 });
		if (anon.status() === 404 && t.from === null) {
			tc.skip(`${t.action} answers 404: not built yet`);
			return;
		}
		assert.equal(anon.status(), 303, `anonymous POST ${t.action}`);
		assert.equal(anon.headers().location, '/console/login');
		const r = await staff.request.post(BASE + t.action,
		    { form, maxRedirects: 0 });
		assert.equal(r.status(), 403, `staff POST ${t.action} answered ` +
		    `${r.status()}: ${(await r.text()).slice(0, 300)}`);
		assert.match(await r.text(),
		    /ikke tilgang til dette|do not have access/,
		    'refused, but not for the role');
		assert.deepEqual(snapshot(['login_session', 'login_failure']), before,
		    `staff POST ${t.action} changed the database`);
	});
}

test('the same kind of POST by the admin is not refused', async (tc) => {
	/* The control: a route staff is refused on exists and lets admin in. */
	const some = [...targets.values()].find((t) => t.from !== null);
	if (!some) {
		tc.skip('no admin form in the console yet');
		return;
	}
	const form = Object.fromEntries(some.fields);
	await open(admin, some.from);
	form._csrf = await csrfOf(admin);
	const r = await admin.request.post(BASE + some.action,
	    { form, maxRedirects: 0 });
	assert.notEqual(r.status(), 403, `admin POST ${some.action} refused`);
	assert.ok(r.status() < 500, `admin POST ${some.action}: ${r.status()}`);
	console.log(`crawled ${pages.length} pages as admin; ${forms.length} ` +
	    `POST forms; control ${some.action} -> ${r.status()}`);
});
