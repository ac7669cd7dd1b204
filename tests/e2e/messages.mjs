/*
 * messages.mjs -- an admin writes a message to a group in a real browser:
 * fills both languages, picks a filter (confirmed, one sector), previews
 * (the count the database gives for that filter, a sample in each
 * language), then sends; the notice and the outbox agree.  A message with
 * an unknown placeholder is refused with the field marked.  The page, with
 * its errors and with the preview, passes axe.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ADMIN, assertAccessible, launch, login, newPage, open,
	scalar } from './lib.mjs';

let browser, page;

before(async () => {
	browser = await launch();
	page = await newPage(browser);
	await login(page, ADMIN);
});

after(async () => {
	await browser?.close();
});

async function compose(body) {
	assert.equal(await open(page, '/console/messages'), 200);
	await page.fill('#subject_nb', 'Velkommen, {name}');
	await page.fill('#subject_en', 'Welcome, {name}');
	await page.fill('#body_nb', body.nb);
	await page.fill('#body_en', body.en);
	await page.selectOption('#status', 'confirmed');
	await page.selectOption('#sector', 'union');
	await Promise.all([page.waitForLoadState('load'),
		page.click('#compose button[type=submit]')]);
}

test('the page passes axe', async () => {
	assert.equal(await open(page, '/console/messages'), 200);
	await assertAccessible(page, '/console/messages');
});

test('an unknown placeholder is refused, the field marked', async () => {
	await compose({ nb: 'Hei {navn}', en: 'Hello {name}' });
	assert.equal(await page.locator('#body_nb').getAttribute('aria-invalid'),
	    'true');
	assert.match(await page.locator('#body_nb-err').innerText(),
	    /placeholder|plassholder/i);
	assert.equal(await page.locator('#preview').count(), 0);
	await assertAccessible(page, 'the refused message');
	assert.equal(scalar('SELECT count(*) FROM message'), '0');
});

test('a filter, its count and sample, then sent', async () => {
	await compose({ nb: 'Hei {name}!\n{sessions}\n{link}',
		en: 'Hello {name}!\n{sessions}\n{link}' });
	const want = scalar(`SELECT count(*) FROM participant WHERE status =
	    'confirmed' AND sector = 'union'`);
	assert.ok(Number(want) > 0);
	const count = await page.locator('#count strong').first().innerText();
	assert.equal(count, want);
	const first = scalar(`SELECT name FROM participant WHERE status =
	    'confirmed' AND sector = 'union' ORDER BY id LIMIT 1`);
	assert.match(await page.locator('#sample-nb').innerText(),
	    new RegExp('Velkommen, ' + first));
	assert.match(await page.locator('#sample-en').innerText(),
	    new RegExp('Hello ' + first + '!'));
	/* The filter stays chosen on the preview. */
	assert.equal(await page.locator('#sector').inputValue(), 'union');
	await assertAccessible(page, 'the preview');
	await Promise.all([page.waitForURL(/sent=/),
		page.click('#send-form button[type=submit]')]);
	assert.match(await page.locator('#sent-notice').innerText(),
	    new RegExp(want));
	assert.equal(scalar(`SELECT count(*) FROM outbox WHERE kind =
	    'message'`), want);
	assert.match(await page.locator('#messages').innerText(),
	    /Welcome, \{name\}/);
});
