/*
 * journey.mjs -- the attendee's journey in a real browser, by keyboard
 * alone: the event page, the registration form (every control reached
 * with Tab and labelled), "check your e-mail", the confirmation link from
 * the mail, the participant page, and ranking again there.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { BASE, assertAccessible, launch, newPage, open, scalar, sql,
	waitForMail } from './lib.mjs';

const EMAIL = 'tastatur@example.no';
let browser, page;
let confirmLink, mePath;
const chosen = {};

before(async () => {
	browser = await launch();
	page = await newPage(browser);
});

after(async () => {
	await browser?.close();
});

/* What has the focus: id, name, tag, type, and its accessible label. */
function focused() {
	return page.evaluate(() => {
		const e = document.activeElement;
		const labels = e.labels ? [...e.labels].map((l) => l.textContent
		    .trim()) : [];
		let group = '';
		const fs = e.closest('fieldset');
		if (fs && fs.querySelector('legend'))
			group = fs.querySelector('legend').textContent.trim();
		return { id: e.id, name: e.getAttribute('name') || '',
			tag: e.tagName.toLowerCase(), type: e.type || '',
			label: labels.join(' ') || e.getAttribute('aria-label') || '',
			group, value: e.value ?? '' };
	});
}

async function tabTo(pred, what, max = 40) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const f = await focused();
		if (pred(f))
			return f;
	}
	throw new Error(`Tab never reached ${what}`);
}

test('event page leads to registration by keyboard', async () => {
	assert.equal(await open(page, '/'), 200);
	assert.match(await page.locator('h1').first().innerText(), /\S/);
	/* Follow the link to the form with Tab and Enter. */
	let reached = false;
	for (let i = 0; i < 60 && !reached; i++) {
		await page.keyboard.press('Tab');
		reached = await page.evaluate(() => {
			const e = document.activeElement;
			return e.tagName === 'A' &&
			    new URL(e.href).pathname === '/register';
		});
	}
	assert.ok(reached, 'no link to /register reachable with Tab');
	await Promise.all([page.waitForURL('**/register'),
		page.keyboard.press('Enter')]);
	assert.equal(new URL(page.url()).pathname, '/register');
});

test('registration form filled and sent with the keyboard alone', async () => {
	const seen = [];
	const note = async () => {
		const f = await focused();
		seen.push(f);
		assert.ok(f.label || (f.type === 'radio' && f.group),
		    `control ${f.tag} ${f.name} has no label`);
		return f;
	};
	let f = await tabTo((x) => x.id === 'name', 'the name field');
	await note();
	await page.keyboard.type('Tastatur Testesen');
	for (const [id, text] of [['email', EMAIL], ['organisation', 'NTNU']]) {
		await page.keyboard.press('Tab');
		f = await note();
		assert.equal(f.id, id, 'Tab order: expected ' + id);
		await page.keyboard.type(text);
	}
	await page.keyboard.press('Tab');
	f = await note();
	assert.equal(f.id, 'sector');
	/* ArrowDown on a closed select picks the next option. */
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	f = await focused();
	assert.notEqual(f.value, '', 'ArrowDown did not choose a sector');
	chosen.sector = f.value;
	await page.keyboard.press('Tab');
	f = await note();
	assert.equal(f.id, 'role');
	await page.keyboard.type('Forsker');
	await page.keyboard.press('Tab');
	f = await note();
	assert.equal(f.id, 'needs');
	await page.keyboard.type('Ingen');
	/* The language radios: Tab enters the group, Space chooses. */
	await page.keyboard.press('Tab');
	f = await note();
	assert.equal(f.type, 'radio');
	assert.equal(f.name, 'language');
	await page.keyboard.press('Space');
	chosen.language = (await focused()).value;
	/* The ranking selects, in order. */
	const ranks = [];
	for (;;) {
		await page.keyboard.press('Tab');
		f = await note();
		if (!(f.tag === 'select' && /^rank\d+$/.test(f.name)))
			break;
		const downs = 1 + ranks.length * 2;
		for (let i = 0; i < downs; i++)
			await page.keyboard.press('ArrowDown');
		ranks.push((await focused()).value);
	}
	assert.ok(ranks.length >= 2, 'fewer than two rank selects: ' + ranks);
	assert.ok(ranks.every((v) => /^\d+$/.test(v)), 'ranks ' + ranks);
	assert.equal(new Set(ranks).size, ranks.length, 'ranks repeat');
	chosen.ranks = ranks;
	/* Then the consent box: Space ticks it. */
	assert.equal(f.type, 'checkbox', 'after the ranks: ' + JSON.stringify(f));
	assert.equal(f.name, 'consent');
	await page.keyboard.press('Space');
	assert.ok(await page.locator('input[name=consent]').isChecked());
	/* Shift+Tab goes back to the last rank and Tab returns. */
	await page.keyboard.press('Shift+Tab');
	assert.equal((await focused()).name, 'rank' + ranks.length);
	await page.keyboard.press('Tab');
	assert.equal((await focused()).name, 'consent');
	/* Past the privacy link to the button; Enter sends. */
	f = await tabTo((x) => x.tag === 'button' && x.type === 'submit',
	    'the submit button', 5);
	await Promise.all([page.waitForURL('**/registered'),
		page.keyboard.press('Enter')]);
	assert.match(await page.locator('main').innerText(),
	    /Sjekk e-posten din/);
	const row = sql(`SELECT status, sector, language, organisation FROM
	    participant WHERE email = $1`, EMAIL);
	assert.deepEqual(row, [['pending', chosen.sector, chosen.language,
		'NTNU']]);
	const prefs = sql(`SELECT p.session_id FROM preference p JOIN
	    participant x ON x.id = p.participant_id WHERE x.email = $1
	    ORDER BY p.rank`, EMAIL).map((r) => r[0]);
	assert.deepEqual(prefs, ranks);
});

test('the confirmation mail carries a link that confirms', async () => {
	const m = await waitForMail(EMAIL,
	    /http:\/\/127\.0\.0\.1:\d+(\/confirm\/[0-9a-f]{32})/);
	confirmLink = m[1];
	/* Opening the link only shows a page with a button: a mail scanner
	 * that follows links confirms nothing. */
	assert.equal(await open(page, confirmLink), 200);
	assert.equal(new URL(page.url()).pathname, confirmLink);
	assert.equal(scalar('SELECT status FROM participant WHERE email = $1',
	    EMAIL), 'pending');
	await assertAccessible(page, confirmLink);
	assert.match(await page.locator('main').innerText(), /Tastatur Testesen/);
	/* Tab to the button; Enter confirms (a plain form POST). */
	const f = await tabTo((x) => x.tag === 'button' && x.type === 'submit',
	    'the confirm button', 20);
	assert.ok(f);
	await Promise.all([page.waitForURL((x) => /^\/me\//.test(x.pathname)),
		page.keyboard.press('Enter')]);
	await page.waitForLoadState('load');
	const u = new URL(page.url());
	assert.match(u.pathname, /^\/me\/[0-9a-f]+$/);
	mePath = u.pathname;
	assert.equal(scalar('SELECT status FROM participant WHERE email = $1',
	    EMAIL), 'confirmed');
	const main = await page.locator('main').innerText();
	assert.match(main, /Tastatur Testesen/);
	assert.match(main, /bekreftet/i);
	await assertAccessible(page, mePath);
});

test('ranking changed on the participant page shows there', async () => {
	assert.ok(mePath, 'no participant page');
	const sel = page.locator('form[action$="/preferences"] select[name=rank1]');
	/* Choose the last session as first choice, by keyboard. */
	await sel.focus();
	await page.keyboard.press('End');
	let v = await sel.inputValue();
	if (v === '' || chosen.ranks.includes(v)) {
		await page.keyboard.press('ArrowUp');
		v = await sel.inputValue();
	}
	assert.notEqual(v, chosen.ranks[0]);
	const title = (await sel.locator(`option[value="${v}"]`).innerText())
	    .trim();
	/* Tab to the form's button; Enter sends. */
	const f = await tabTo((x) => x.tag === 'button', 'the save button', 10);
	assert.equal(f.type, 'submit');
	await Promise.all([page.waitForURL((u) => u.pathname === mePath &&
	    u.searchParams.get('done') === 'saved'),
		page.keyboard.press('Enter')]);
	await page.waitForLoadState('load');
	const first = (await page.locator('ol.prefs li').first().innerText()).trim();
	assert.equal(first, title);
	assert.equal(scalar(`SELECT p.session_id FROM preference p JOIN
	    participant x ON x.id = p.participant_id WHERE x.email = $1 AND
	    p.rank = 1`, EMAIL), v);
	assert.equal(new URL(page.url()).origin, BASE);
});
