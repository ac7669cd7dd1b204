/*
 * badges.mjs -- name badges and the door list in a real Chromium: each
 * layout's sheet printed to PDF (page.pdf) has one page per sheet of the
 * layout's size; in print media every label sits in its cell to the
 * millimetre and nothing in it, however long the name, leaves it or is
 * cut; the QR code on a label's screenshot decodes with zbarimg to the
 * participant's live check-in code; axe finds nothing serious on the new
 * pages.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ADMIN, assertAccessible, launch, login, newPage, open, scalar,
	sql } from './lib.mjs';

const MM = 96 / 25.4; /* CSS pixels a millimetre */
let browser, page;

/* Where each layout's labels go (static/badges-LAYOUT.css), in mm. */
const LAYOUTS = {
	'a4-2x4': { page: [210, 297], size: [86, 55], per: 8,
		cells: [31, 91, 151, 211].flatMap((y) =>
		    [[17, y], [107, y]]) },
	'a4-2x5': { page: [210, 297], size: [80, 50], per: 10,
		cells: [23.5, 73.5, 123.5, 173.5, 223.5].flatMap((y) =>
		    [[20, y], [110, y]]) },
	single: { page: [90, 55], size: [90, 55], per: 1, cells: [[0, 0]] },
};

before(async () => {
	browser = await launch();
	page = await newPage(browser);
	await login(page, ADMIN);
	/* The longest name and organisation a registration takes. */
	const ev = scalar('SELECT id FROM event');
	sql(`INSERT INTO participant (event_id, name, email, organisation,
	    sector, status, consent_at, email_confirmed_at, language)
	    VALUES ($1, $2, 'long@example.org', $3, 'government', 'confirmed',
	    now(), now(), 'nb')`, ev,
	    'Aurora ' + 'Kristiansdatter-Wilhelmsen '.repeat(7) + 'Ø',
	    'Direktoratet for ' + 'forvaltning og økonomistyring '.repeat(6));
	sql(`INSERT INTO participant (event_id, name, email, organisation,
	    sector, status, consent_at, email_confirmed_at, language)
	    VALUES ($1, $2, 'word@example.org', $2, 'union', 'confirmed',
	    now(), now(), 'nb')`, ev, 'W'.repeat(120));
});

after(async () => {
	await browser?.close();
});

/* PDF pages: their /MediaBox sizes in mm. */
function pdfPages(buf) {
	const s = buf.toString('latin1');
	const boxes = [...s.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
	const n = (s.match(/\/Type\s*\/Page[^s]/g) || []).length;
	return { n, boxes: boxes.map((m) => [(m[3] - m[1]) * 25.4 / 72,
		(m[4] - m[2]) * 25.4 / 72]) };
}

for (const [layout, L] of Object.entries(LAYOUTS)) {
	test(`${layout}: labels in their cells, one PDF page a sheet`, async () => {
		assert.equal(await open(page,
		    `/console/badges/print?layout=${layout}`), 200);
		await page.emulateMedia({ media: 'print' });
		const got = await page.evaluate(() => {
			const box = (e) => e.getBoundingClientRect();
			return [...document.querySelectorAll('.sheet')].map((s) => ({
				sheet: box(s).toJSON(),
				labels: [...s.querySelectorAll('.label')].map((l) => ({
					r: box(l).toJSON(),
					parts: [...l.querySelectorAll('.band, .who, .qr, p, svg, span')]
					    .map((e) => box(e).toJSON()),
					clipped: [...l.querySelectorAll('.who, .name, .org')]
					    .filter((e) => e.scrollHeight > e.clientHeight + 1 ||
					        e.scrollWidth > e.clientWidth + 1)
					    .map((e) => `${e.className}: ${e.scrollWidth}x` +
					        `${e.scrollHeight} in ${e.clientWidth}x` +
					        `${e.clientHeight}: ${e.textContent}`),
				})),
			}));
		});
		const n = Number(scalar(`SELECT count(*) FROM participant
		    WHERE status = 'confirmed'`));
		assert.equal(got.length, Math.ceil(n / L.per), 'sheets');
		assert.equal(got.flatMap((s) => s.labels).length, n, 'labels');
		for (const s of got) {
			assert.ok(Math.abs(s.sheet.width / MM - L.page[0]) < 0.3 &&
			    Math.abs(s.sheet.height / MM - L.page[1]) < 0.3,
			    `sheet ${s.sheet.width / MM} x ${s.sheet.height / MM} mm`);
			s.labels.forEach((l, i) => {
				const x = (l.r.left - s.sheet.left) / MM;
				const y = (l.r.top - s.sheet.top) / MM;
				const [cx, cy] = L.cells[i];
				assert.ok(Math.abs(x - cx) < 0.2 && Math.abs(y - cy) < 0.2,
				    `label ${i} at ${x},${y} mm, not ${cx},${cy}`);
				assert.ok(Math.abs(l.r.width / MM - L.size[0]) < 0.2 &&
				    Math.abs(l.r.height / MM - L.size[1]) < 0.2,
				    `label ${i} is ${l.r.width / MM} x ${l.r.height / MM} mm`);
				for (const p of l.parts)
					assert.ok(p.left >= l.r.left - 0.5 &&
					    p.top >= l.r.top - 0.5 &&
					    p.right <= l.r.right + 0.5 &&
					    p.bottom <= l.r.bottom + 0.5,
					    `label ${i}: a part leaves it: ${JSON.stringify(p)}`);
				assert.deepEqual(l.clipped, [], `label ${i}: text cut`);
			});
		}
		const pdf = await page.pdf({ preferCSSPageSize: true,
			printBackground: true });
		const pages = pdfPages(pdf);
		assert.equal(pages.n, got.length, 'PDF pages');
		for (const [w, h] of pages.boxes)
			assert.ok(Math.abs(w - L.page[0]) < 0.5 &&
			    Math.abs(h - L.page[1]) < 0.5, `PDF page ${w} x ${h} mm`);
		await page.emulateMedia({ media: 'screen' });
	});
}

test('the QR code on a badge decodes to the check-in code', async () => {
	const pid = scalar(`SELECT min(id) FROM participant
	    WHERE status = 'confirmed'`);
	assert.equal(await open(page,
	    `/console/badges/print?person=${pid}&layout=single`), 200);
	const code = scalar(`SELECT code FROM checkin_code
	    WHERE participant_id = $1 AND revoked_at IS NULL`, pid);
	assert.ok(code, 'a live code');
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qr-')),
	    'label.png');
	await page.locator('.label').first().screenshot({ path: file });
	const out = execFileSync('zbarimg', ['--raw', '-q', file],
	    { encoding: 'utf8' }).trim();
	assert.equal(out, code);
});

test('the door list keeps its head on every page and rows whole',
    async () => {
	assert.equal(await open(page, '/console/door-list'), 200);
	await page.emulateMedia({ media: 'print' });
	const css = await page.evaluate(() => ({
		head: getComputedStyle(document.querySelector('thead')).display,
		row: getComputedStyle(document.querySelector('tbody tr'))
		    .breakInside,
		hidden: getComputedStyle(document.querySelector('.noprint'))
		    .display,
	}));
	assert.deepEqual(css, { head: 'table-header-group', row: 'avoid',
		hidden: 'none' });
	/* More people than one A4 page holds: pages of A4. */
	const pages = pdfPages(await page.pdf({ preferCSSPageSize: true }));
	assert.ok(pages.n >= 2, `${pages.n} pages`);
	for (const [w, h] of pages.boxes)
		assert.ok(Math.abs(w - 210) < 0.5 && Math.abs(h - 297) < 0.5,
		    `PDF page ${w} x ${h} mm`);
	await page.emulateMedia({ media: 'screen' });
});

test('axe: the badge and door list pages', async () => {
	for (const p of ['/console/badges', '/console/badges/print',
		'/console/badges/print?layout=single', '/console/door-list',
		'/console/door-list/import']) {
		assert.equal(await open(page, p), 200, p);
		await assertAccessible(page, p);
	}
});
