/*
 * questions.mjs -- a new event and its own questions in a real browser
 * (issue 11, item 8): an installation admin makes next year's event as a
 * copy of the demo in the console, then, in the new event only (its own
 * /SLUG/ address), adds a number question and a single choice question with its
 * choices in the console and the standard dietary and accessibility
 * questions with one button; people register with them in Norwegian and
 * in English (a wrong answer first, told beside its field); the
 * registrations export has their columns and the catering summary counts
 * them.  Every page on the way passes axe (no serious or critical
 * violation).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ADMIN, BASE, assertAccessible, launch, login, newPage, open,
	scalar } from './lib.mjs';

let browser, admin, pub;
/* The new event's address: every page below is the copy's. */
const P = '/ki-2027';

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

const ADD = `form[action="${P}/console/questions"] button[type=submit]`;

test('an installation admin makes a new event as a copy', async () => {
	assert.equal(await open(admin, '/console/events'), 200);
	await assertAccessible(admin, '/console/events');
	await admin.fill('#slug', 'ki-2027');
	await admin.fill('#name_nb', 'KI-toppmøtet 2027');
	await admin.fill('#name_en', 'AI summit 2027');
	await admin.fill('#day', '2027-11-04');
	await submit(admin, 'form[action="/console/events/copy"] button');
	assert.match(admin.url(), /\/console\/events\?done=copied/);
	assert.equal(await admin.locator(`a[href="${P}/console"]`).count(), 1);
	/* Its registration window moved a year on with it: open it now. */
	scalar("UPDATE event SET registration_opens = now() - interval '1 day'"
	    + " WHERE slug = 'ki-2027' RETURNING 1");
	assert.equal(scalar("SELECT count(*) FROM session s JOIN event e ON"
	    + " e.id = s.event_id WHERE e.slug = 'ki-2027'"), scalar(
	    "SELECT count(*) FROM session s JOIN event e ON e.id = s.event_id"
	    + " WHERE e.slug = 'ki-toppmote' AND s.status = 'active'"));
	assert.equal(await open(pub, P + '/'), 200);
	assert.match(await pub.locator('h1').innerText(), /2027/);
});

test('an admin builds questions in the console', async () => {
	assert.equal(await open(admin, P + '/console/questions'), 200);
	await assertAccessible(admin, '/console/questions (empty)');
	await admin.selectOption('#kind', 'number');
	await admin.fill('#label_nb', 'Antall år i yrket');
	await admin.fill('#label_en', 'Years in the trade');
	await admin.fill('#min', '0');
	await admin.fill('#max', '60');
	await admin.check('input[name=required]');
	await submit(admin, ADD);
	assert.match(admin.url(), /\/console\/questions\/\d+\?done=added/);
	await assertAccessible(admin, '/console/questions/ID (number)');
	assert.equal(await open(admin, P + '/console/questions'), 200);
	await admin.selectOption('#kind', 'choice');
	await admin.fill('#label_nb', 'Overnatting');
	await admin.fill('#label_en', 'Lodging');
	await submit(admin, ADD);
	for (const [nb, en] of [['Hotell', 'Hotel'], ['Eget', 'Own']]) {
		await admin.fill('#choice_nb', nb);
		await admin.fill('#choice_en', en);
		await submit(admin, 'form[action$="/choices"] button');
	}
	assert.equal(await admin.locator('#choices tbody tr').count(), 2);
	await assertAccessible(admin, '/console/questions/ID (choices)');
	assert.equal(await open(admin, P + '/console/questions?lang=en'), 200);
	await submit(admin,
	    `form[action="${P}/console/questions/standard"] button`);
	assert.match(admin.url(), /done=standard/);
	assert.equal(await admin.locator('#questions tbody tr').count(), 5);
	await assertAccessible(admin, '/console/questions (en, five)');
	assert.equal(scalar('SELECT count(*) FROM question'), '5');
});

/* Fills the registration form's fixed fields on pub. */
async function fixed(email, lang) {
	await pub.fill('#name', 'Eva ' + lang);
	await pub.fill('#email', email);
	await pub.fill('#organisation', 'Testorg');
	await pub.selectOption('#sector', { index: 1 });
	await pub.check(`input[name=language][value=${lang}]`);
	await pub.selectOption('#rank1', { index: 1 });
	await pub.check('input[name=consent]');
}

function field(label) {
	return 'q' + scalar('SELECT id FROM question WHERE label_en = $1', label);
}

test('registering in Norwegian: a wrong answer, then a good one',
    async () => {
	assert.equal(await open(pub, P + '/register?lang=nb'), 200);
	await assertAccessible(pub, '/register (questions, nb)');
	await fixed('eva.nb@example.no', 'nb');
	const years = field('Years in the trade');
	await pub.fill('#' + years, '99');
	await submit(pub, `form[action="${P}/register"] button[type=submit]`);
	assert.match(await pub.locator(`#${years}-err`).innerText(),
	    /utenfor/);
	assert.equal(await pub.locator(`#${years}[aria-invalid=true]`).count(),
	    1);
	await assertAccessible(pub, '/register (answer refused, nb)');
	assert.equal(scalar('SELECT count(*) FROM participant WHERE email ='
	    + " 'eva.nb@example.no'"), '0');
	await pub.fill('#' + years, '12');
	await pub.check('input[name=consent]');
	await pub.check(`input[name=${field('Lodging')}] >> nth=0`);
	await pub.getByLabel('Gluten').check();
	await pub.getByLabel('Teleslynge').check();
	await submit(pub, `form[action="${P}/register"] button[type=submit]`);
	assert.match(pub.url(), /\/registered/);
	assert.equal(scalar('SELECT a.number_value FROM question_answer a'
	    + ' JOIN participant p ON p.id = a.participant_id WHERE p.email'
	    + " = 'eva.nb@example.no' AND a.kind = 'number'"), '12');
});

test('registering in English', async () => {
	assert.equal(await open(pub, P + '/register?lang=en'), 200);
	await assertAccessible(pub, '/register (questions, en)');
	await fixed('eva.en@example.no', 'en');
	await pub.fill('#' + field('Years in the trade'), '3');
	await pub.getByLabel('Own').check();
	await pub.getByLabel('Vegan').check();
	await pub.getByLabel('Gluten').check();
	await submit(pub, `form[action="${P}/register"] button[type=submit]`);
	assert.match(pub.url(), /\/registered/);
	assert.equal(scalar('SELECT count(*) FROM question_answer a JOIN'
	    + ' participant p ON p.id = a.participant_id WHERE p.email ='
	    + " 'eva.en@example.no'"), '4');
});

test('the export has the questions, the summary counts them', async () => {
	const r = await admin.request.get(BASE + P +
	    '/console/registrations/export.csv');
	assert.equal(r.status(), 200);
	const text = await r.text();
	const head = text.split('\n')[0];
	/* The admin chose English above: the headers are in English. */
	assert.match(head, /"Years in the trade"/);
	assert.match(head, /"Allergies and diet"/);
	assert.match(text, /eva\.nb@example\.no.*,"?12"?,/);
	scalar("UPDATE participant SET status = 'confirmed' WHERE email LIKE"
	    + " 'eva.%' RETURNING 1");
	assert.equal(await open(admin, P + '/console/needs'), 200);
	assert.equal(await admin.locator('#need-gluten td.num').innerText(),
	    '2');
	assert.equal(await admin.locator('#need-vegan td.num').innerText(),
	    '1');
	await assertAccessible(admin, '/console/needs');
	const csv = await admin.request.get(BASE + P +
	    '/console/needs/export.csv');
	assert.equal(csv.status(), 200);
	assert.match(await csv.text(), /"Gluten","Eva nb","Testorg"/);
});
