/*
 * answers.mjs -- a participant answers on their own page in a real
 * browser with JavaScript turned off, so nothing but plain forms can do
 * it: before publishing the page says the programme is not published;
 * after, each placed session has Accept and Decline; Decline frees the
 * seat, queues the cancellation, and the page says so; Accept shows the
 * answer.  The page with the programme passes axe (with JavaScript, in a
 * context of its own: axe needs it).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { assertAccessible, ctl, launch, newPage, open,
	registerAndConfirm, scalar } from './lib.mjs';

const EMAIL = 'svar@example.no';
let browser, page, token, pid;

before(async () => {
	browser = await launch();
	const ctx = await browser.newContext({ javaScriptEnabled: false,
		locale: 'nb-NO' });
	ctx.setDefaultTimeout(20000);
	page = await ctx.newPage();
	token = await registerAndConfirm(page, EMAIL);
	pid = scalar('SELECT id FROM participant WHERE email = $1', EMAIL);
});

after(async () => {
	await browser?.close();
});

test('before publishing the page says the programme is not published',
    async () => {
	assert.equal(await open(page, '/me/' + token), 200);
	const text = await page.locator('#programme').innerText();
	assert.match(text, /Programmet er ikke publisert ennå/);
	assert.equal(await page.locator('#programme button').count(), 0);
});

test('Decline with JavaScript off frees the seat', async () => {
	ctl('allocate', '--apply');
	ctl('publish');
	assert.equal(await open(page, '/me/' + token), 200);
	const placed = page.locator('#programme li.session');
	assert.ok(await placed.count() >= 2, 'two placed sessions at least');
	const item = placed.first();
	const sid = (await item.getAttribute('id')).replace('session-', '');
	assert.match(await item.innerText(), /Ikke svart ennå/);
	await Promise.all([
		page.waitForURL(/done=declined/),
		item.getByRole('button', { name: /Avslå/ }).click(),
	]);
	assert.match(await page.locator('p.notice').innerText(),
	    /du avslo, og plassen din er ledig/);
	assert.equal(await page.locator('#session-' + sid).count(), 0);
	assert.match(await page.locator('#other-' + sid).innerText(),
	    /du avslo/);
	assert.equal(scalar('SELECT count(*) FROM assignment WHERE' +
	    ' participant_id = $1 AND session_id = $2', pid, sid), '0');
	assert.equal(scalar('SELECT state FROM invitation WHERE' +
	    ' participant_id = $1 AND session_id = $2', pid, sid), 'cancelled');
	assert.equal(scalar('SELECT partstat || \'/\' || source FROM answer' +
	    ' WHERE participant_id = $1 AND session_id = $2', pid, sid),
	    'DECLINED/page');
	assert.equal(scalar('SELECT count(*) FROM outbox WHERE' +
	    ' participant_id = $1 AND kind = \'invite_cancel\'', pid), '1');
});

test('Accept with JavaScript off shows the answer', async () => {
	const item = page.locator('#programme li.session').first();
	const sid = (await item.getAttribute('id')).replace('session-', '');
	await Promise.all([
		page.waitForURL(/done=accepted/),
		item.getByRole('button', { name: 'Godta' }).click(),
	]);
	assert.match(await page.locator('#session-' + sid + ' .answer')
	    .innerText(), /Godtatt/);
	assert.equal(scalar('SELECT partstat FROM answer WHERE' +
	    ' participant_id = $1 AND session_id = $2', pid, sid), 'ACCEPTED');
});

test('the page with the programme is accessible', async () => {
	const axePage = await newPage(browser);
	assert.equal(await open(axePage, '/me/' + token), 200);
	await assertAccessible(axePage, 'the participant page with answers');
});
