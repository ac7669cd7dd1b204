/*
 * dashboard.mjs -- the console dashboard's charts in a real Chromium at
 * 1366x768 (issue 14, items 3 and 5): each chart's SVG is drawn, has a
 * size and its accessible name from its <title>; its table opens from
 * its <details> and holds the numbers; a number followed leads to the
 * list behind it; axe finds no violation at all, with the tables closed
 * and open; a full-page screenshot goes to the test log folder
 * (meson-logs/screenshots/ of the build) for a person to look at.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ADMIN, axe, formatViolations, launch, login, newPage, open,
	scalar, sql } from './lib.mjs';

let browser, page;

const CHARTS = ['chart-days', 'chart-sums', 'chart-sectors', 'chart-orgs',
	'chart-places', 'chart-sessions', 'chart-mail'];

/* The folder meson keeps this run's logs in (SUMMIT_BUILD_DIR is the
 * build the tests run from), or a temporary one outside meson. */
function logDir() {
	const build = process.env.SUMMIT_BUILD_DIR;
	const dir = build ? path.join(build, 'meson-logs', 'screenshots') :
	    fs.mkdtempSync(path.join(os.tmpdir(), 'summit-shots-'));
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

before(async () => {
	browser = await launch();
	page = await newPage(browser);
	await page.setViewportSize({ width: 1366, height: 768 });
	await login(page, ADMIN);
	/* Three weeks of registrations, every status and sector, a few
	 * placements and mails in every state. */
	const ev = scalar('SELECT id FROM event');
	sql(`INSERT INTO participant (event_id, name, email, organisation,
	    sector, status, hold_until, consent_at, created_at,
	    email_confirmed_at, waitlisted_at, cancelled_at)
	    SELECT $1, 'Person ' || g, 'dash' || g || '@example.org',
	    (ARRAY['Equinor', 'NTNU', 'LO', 'NAV', 'Sintef', 'Oslo kommune'])
	      [1 + g % 6] || CASE WHEN g % 7 = 0 THEN ' ' || g ELSE '' END,
	    (ARRAY['business', 'academia', 'union', 'government', 'other'])
	      [1 + g % 5],
	    s.st, CASE WHEN s.st = 'pending' THEN now() + interval '1 day' END,
	    now(), t.at, CASE WHEN s.st <> 'pending' THEN t.at + interval '1 hour'
	    END, CASE WHEN s.st = 'waitlisted' THEN t.at + interval '1 hour' END,
	    CASE WHEN s.st = 'cancelled' THEN t.at + interval '3 days' END
	    FROM generate_series(1, 120) g,
	    LATERAL (SELECT now() - interval '21 days' + g * interval '4 hours'
	      AS at) t,
	    LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 'cancelled'
	      WHEN g % 9 = 0 THEN 'waitlisted' WHEN g % 8 = 0 THEN 'pending'
	      ELSE 'confirmed' END AS st) s`, ev);
	sql(`INSERT INTO preference (event_id, participant_id, session_id, rank)
	    SELECT p.event_id, p.id, s.id, 1 FROM participant p
	    JOIN LATERAL (SELECT id FROM session WHERE event_id = p.event_id
	      ORDER BY (id * 7 + p.id) % 5, id LIMIT 1) s ON true
	    WHERE p.event_id = $1 AND p.email LIKE 'dash%'
	    ON CONFLICT DO NOTHING`, ev);
	sql(`INSERT INTO assignment (event_id, participant_id, session_id)
	    SELECT event_id, participant_id, session_id FROM preference
	    WHERE event_id = $1 AND participant_id % 3 = 0
	    ON CONFLICT DO NOTHING`, ev);
	sql(`INSERT INTO outbox (event_id, kind, recipient, state,
	    next_attempt_at) SELECT $1, 'message', 'x@example.org',
	    (ARRAY['sent', 'sent', 'sent', 'failed', 'held'])[1 + g % 5],
	    now() + interval '1 day' FROM generate_series(1, 40) g`, ev);
});

after(async () => {
	await browser?.close();
});

test('every chart is drawn with its name and its table', async () => {
	assert.equal(await open(page, '/console?lang=en'), 200);
	for (const id of CHARTS) {
		const svg = page.locator(`svg[aria-labelledby="${id}-t ${id}-d"]`);
		await svg.scrollIntoViewIfNeeded();
		const box = await svg.boundingBox();
		assert.ok(box && box.width > 300 && box.height > 80,
		    `${id} has a size: ${JSON.stringify(box)}`);
		assert.equal(await svg.getAttribute('role'), 'img');
		const title = await page.locator(`#${id}-t`).textContent();
		assert.ok(title.length > 3, `${id} has a title`);
		/* Chromium names the picture from its <title>. */
		const name = await svg.evaluate((el) => {
			const ids = el.getAttribute('aria-labelledby').split(' ');
			return document.getElementById(ids[0]).textContent;
		});
		assert.equal(name, title);
		/* Something is drawn: bars, columns or lines. */
		assert.ok(await svg.locator('rect, polyline').count() > 1, id);
	}
	/* Every table opens and has rows. */
	for (const d of await page.locator('.dash-chart details').all()) {
		await d.locator('summary').click();
		assert.ok(await d.locator('tbody tr').count() > 0);
	}
});

test('a number in a table leads to the list of that many', async () => {
	assert.equal(await open(page, '/console?lang=en'), 200);
	const details = page.locator('.dash-chart details').nth(1);
	await details.locator('summary').click();
	const link = details.locator('tbody tr').first().locator('td a').first();
	const n = Number(await link.textContent());
	assert.ok(n > 0);
	await Promise.all([page.waitForURL(/registrations\?/), link.click()]);
	const shown = await page.locator('a[href^="/console/registrations/"]')
	    .evaluateAll((as) => new Set(as.map((a) => a.getAttribute('href'))
	        .filter((h) => /^\/console\/registrations\/\d+$/.test(h)))
	        .size);
	assert.equal(shown, n);
});

test('axe finds nothing on the dashboard; a screenshot for review',
    async () => {
	for (const lang of ['nb', 'en']) {
		assert.equal(await open(page, `/console?lang=${lang}`), 200);
		let all = await axeAll();
		assert.equal(all.length, 0, `axe (${lang}, tables closed):\n` +
		    formatViolations(all));
		for (const s of await page.locator('.dash-chart summary').all())
			await s.click();
		all = await axeAll();
		assert.equal(all.length, 0, `axe (${lang}, tables open):\n` +
		    formatViolations(all));
	}
	assert.equal(await open(page, '/console?lang=nb'), 200);
	const file = path.join(logDir(), 'dashboard-1366x768.png');
	await page.screenshot({ path: file, fullPage: true });
	assert.ok(fs.statSync(file).size > 10000);
	console.log(`# screenshot: ${file}`);
});

/* Every violation, whatever its impact (lib.mjs's axe keeps only the
 * serious and critical ones). */
async function axeAll() {
	await axe(page); /* injects axe-core */
	return page.evaluate(async () => {
		/* global axe */
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
		}));
	});
}
