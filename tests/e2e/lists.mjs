/*
 * lists.mjs -- the console's lists at 1366x768, as an organiser's laptop
 * shows them (issue 14, items 1 and 4): on every list page the first row
 * of the list is inside the window without scrolling, the header row
 * stays in view when the list scrolls, printing drops the console around
 * the list and repeats the header row, the global search in the header
 * finds a person by check-in code, and axe finds nothing serious.  Every
 * console page the crawler reaches is screenshot into the build's
 * meson-logs/screenshots/ for a person to review.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ADMIN, assertAccessible, crawlConsole, csrfOf, ctl, launch, login,
	open, scalar, sql } from './lib.mjs';

const VIEW = { width: 1366, height: 768 };
const SHOTS = path.join(process.env.SUMMIT_BUILD_DIR ||
    path.dirname(path.dirname(process.env.SUMMIT_E2E_CTL)),
    'meson-logs', 'screenshots');
let browser, page;

before(async () => {
	browser = await launch();
	const ctx = await browser.newContext({ bypassCSP: true,
		locale: 'nb-NO', viewport: VIEW });
	ctx.setDefaultTimeout(20000);
	page = await ctx.newPage();
	await login(page, ADMIN);
	fs.mkdirSync(SHOTS, { recursive: true });
	/* Rows for the lists run_e2e.py leaves empty: mail that failed to a
	 * participant, audit entries, a message sent. */
	const ev = scalar('SELECT id FROM event');
	const pid = scalar('SELECT min(id) FROM participant');
	sql(`INSERT INTO outbox (event_id, participant_id, kind, recipient,
	    state, attempts, last_error) SELECT $1, p.id, 'confirm', p.email,
	    'failed', 1234, 'mailbox full' FROM participant p
	    ORDER BY p.id LIMIT 30`, ev);
	sql(`INSERT INTO audit_log (actor, action, subject_type, subject_id,
	    after) SELECT 'admin@example.org', 'registrations.check_in',
	    'participant', p.id, '{"checked_in": true}' FROM participant p
	    ORDER BY p.id LIMIT 40`);
	sql(`INSERT INTO message (event_id, subject_nb, subject_en, body_nb,
	    body_en, recipients) VALUES ($1, 'Velkommen', 'Welcome', 'Hei',
	    'Hi', 1500)`, ev);
	assert.ok(pid);
	/* Placements, for the seating lists. */
	ctl('allocate', '--apply');
});

after(async () => {
	await browser?.close();
});

/* Screenshot of what the window shows and of the whole page. */
async function shoot(name) {
	const base = name.replace(/^\/+/, '').replace(/[^a-z0-9]+/gi, '_') ||
	    'console';
	await page.screenshot({ path: path.join(SHOTS, base + '.png') });
	await page.screenshot({ path: path.join(SHOTS, base + '-full.png'),
		fullPage: true });
}

/* The list's first data row: inside the window, nothing scrolled. */
async function firstRowVisible(p, table) {
	assert.equal(await open(page, p), 200, p);
	await page.evaluate(() => window.scrollTo(0, 0));
	const row = page.locator(`${table} tbody tr`).first();
	assert.ok(await row.count() > 0, `${p}: the list has no rows`);
	const box = await row.boundingBox();
	assert.ok(box, `${p}: the first row is not laid out`);
	assert.ok(box.y >= 0 && box.y + box.height <= VIEW.height,
	    `${p}: the first row is at ${box.y}..${box.y + box.height},` +
	    ` outside the ${VIEW.height} px window`);
	await shoot(p);
	await assertAccessible(page, p);
}

const LISTS = [
	['/console/registrations', '#list'],
	['/console/registrations?sort=name&dir=asc&sector=union', '#list'],
	['/console/search?q=Deltaker', '#list'],
	['/console/mail?state=failed', '#list'],
	['/console/audit', '#list'],
	['/console/messages', '#messages'],
	['/console/invitees', '#invitees'],
];

test('an invitee to list', async () => {
	assert.equal(await open(page, '/console/invitees'), 200);
	await page.fill('#name', 'Invitert Person');
	await page.fill('#email', 'invitert@example.no');
	await Promise.all([page.waitForEvent('load'),
		page.click('form[method=post][action$="/console/invitees"]' +
		    ' button[type=submit]')]);
	assert.equal(await page.locator('#invitees tbody tr').count(), 1);
});

for (const [p, table] of LISTS) {
	test(`first row in view at 1366x768: ${p}`, async () => {
		await firstRowVisible(p, table);
	});
}

test('first row in view at 1366x768: a session\'s seating', async () => {
	const sid = scalar(`SELECT session_id FROM assignment GROUP BY 1
	    ORDER BY count(*) DESC, 1 LIMIT 1`);
	assert.ok(sid, 'the allocation placed nobody');
	await firstRowVisible(`/console/sessions/${sid}/seating`,
	    'h2[id^="table-"] + table');
});

test('the header row stays in view when the list scrolls', async () => {
	assert.equal(await open(page, '/console/registrations'), 200);
	await page.evaluate(() => window.scrollTo(0, 900));
	const th = await page.locator('#list thead th').first().boundingBox();
	assert.ok(th && Math.abs(th.y) < 2, `the header row is at ${th?.y}`);
	const row = await page.locator('#list tbody tr').first().boundingBox();
	assert.ok(row.y < 0, 'the page did scroll');
});

test('the filter bar: fields side by side, the checkbox label beside it',
    async () => {
	assert.equal(await open(page, '/console/registrations'), 200);
	const q = await page.locator('#q').boundingBox();
	const status = await page.locator('#status').boundingBox();
	assert.ok(Math.abs(q.y - status.y) < 4 && status.x > q.x,
	    'search and status are on one line');
	const box = await page.locator('#waitlisted').boundingBox();
	const label = await page.locator('label[for=waitlisted]').boundingBox();
	assert.ok(label.x > box.x && Math.abs((label.y + label.height / 2) -
	    (box.y + box.height / 2)) < 8, 'the label sits beside its checkbox');
	/* Filters stay in the address. */
	await page.selectOption('#sector', 'union');
	await Promise.all([page.waitForEvent('load'),
		page.click('form.filters button[type=submit]')]);
	assert.match(page.url(), /[?&]sector=union/);
});

test('printed: no console around the list, the header row repeated',
    async () => {
	assert.equal(await open(page, '/console/registrations'), 200);
	await page.emulateMedia({ media: 'print' });
	const seen = await page.evaluate(() => ({
		header: getComputedStyle(document.querySelector('header.site'))
		    .display,
		filters: getComputedStyle(document.querySelector('form.filters'))
		    .display,
		thead: getComputedStyle(document.querySelector('#list thead'))
		    .display,
		main: document.querySelector('main').getBoundingClientRect().width,
	}));
	await page.emulateMedia({ media: 'screen' });
	assert.equal(seen.header, 'none');
	assert.equal(seen.filters, 'none');
	assert.equal(seen.thead, 'table-header-group');
	assert.ok(seen.main > 1300, `main is ${seen.main} px wide in print`);
	const pdf = await page.pdf({ format: 'A4' });
	fs.writeFileSync(path.join(SHOTS, 'registrations-print.pdf'), pdf);
});

test('the header search finds a person by check-in code', async () => {
	const [pid, code] = sql(`SELECT c.participant_id, c.short_code FROM
	    checkin_code c WHERE c.revoked_at IS NULL ORDER BY 1 LIMIT 1`)[0];
	assert.equal(await open(page, '/console'), 200);
	await page.fill('#global-q', code.toLowerCase());
	await Promise.all([page.waitForEvent('load'),
		page.click('form.global-search button')]);
	assert.match(page.url(), /\/console\/search\?q=/);
	const links = await page.locator('#list tbody a').evaluateAll(
	    (as) => as.map((a) => a.getAttribute('href')));
	assert.deepEqual(links, [`/console/registrations/${pid}`]);
	await assertAccessible(page, 'search results');
});

test('numbers in Norwegian: 1 234 with a narrow no-break space', async () => {
	assert.equal(await open(page, '/console/mail?state=failed&lang=nb'),
	    200);
	const cell = await page.locator('#list tbody td.num').first()
	    .innerText();
	assert.equal(cell, '1\u202f234');
	assert.equal(await open(page, '/console/messages?lang=en'), 200);
	assert.ok((await page.locator('#messages').innerText())
	    .includes('1,500'));
	await open(page, '/console?lang=nb');
});

test('every console page, screenshot for review', async () => {
	const csrf = await csrfOf(page);
	assert.ok(csrf);
	const { pages } = await crawlConsole(page, 80);
	for (const { path: p, status } of pages) {
		if (status !== 200)
			continue;
		await open(page, p);
		await shoot(p);
	}
	assert.ok(pages.length > 10, `only ${pages.length} pages reached`);
	console.log(`# screenshots in ${SHOTS}`);
});
