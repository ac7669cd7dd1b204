/*
 * organiser.mjs -- the organiser's day in a real browser: log in, edit a
 * session's title, run the allocation preview and apply it, move someone
 * to another session, publish; then the outbox holds invitations for
 * exactly the people placed, one per placement.  Each step whose page
 * answers 404 (not built yet) is a TAP skip, and so is what depends on it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ADMIN, BASE, assertAccessible, launch, login, newPage, open,
	scalar, sql } from './lib.mjs';

const NEW_TITLE = 'Endret av E2E: KI og arbeid';
let browser, page;
const done = {};

before(async () => {
	browser = await launch();
	page = await newPage(browser);
});

after(async () => {
	await browser?.close();
});

/* Clicks a submit button and waits for the POST and the page after it;
 * returns the POST's status. */
async function submit(locator) {
	/* Both waits start before the click: the new document's load event,
	 * not the old page's, ends the wait. */
	const [r] = await Promise.all([
		page.waitForResponse((x) => x.request().method() === 'POST'),
		page.waitForEvent('load'),
		locator.click(),
	]);
	return r.status();
}

function skipIf404(t, status, what) {
	if (status === 404) {
		t.skip(`${what} answers 404: not built yet`);
		return true;
	}
	assert.equal(status, 200, `${what} answered ${status}`);
	return false;
}

test('admin logs in through the form', async () => {
	await login(page, ADMIN);
	assert.match(await page.locator('header').innerText(), /admin@example\.org/);
	assert.equal(scalar(`SELECT count(*) FROM login_session s JOIN organiser o
	    ON o.id = s.organiser_id WHERE o.email = $1`, ADMIN), '1');
});

test('admin edits a session title', async (t) => {
	const sid = scalar('SELECT min(id) FROM session');
	if (skipIf404(t, await open(page, `/console/sessions/${sid}`),
	    `/console/sessions/${sid}`))
		return;
	const form = page.locator(`form[action="/console/sessions/${sid}"]`);
	const old = await form.locator('#title_nb').inputValue();
	await form.locator('#title_nb').fill(NEW_TITLE);
	const status = await submit(form.locator('button[type=submit]'));
	assert.equal(status, 303, `saving the session answered ${status}`);
	assert.equal(scalar('SELECT title_nb FROM session WHERE id = $1', sid),
	    NEW_TITLE);
	/* Written to the audit log with before and after ... */
	const audit = sql(`SELECT actor, before->>'title_nb', after->>'title_nb'
	    FROM audit_log WHERE subject_type = 'session' AND subject_id = $1
	    ORDER BY id DESC LIMIT 1`, sid);
	assert.deepEqual(audit, [[ADMIN, old, NEW_TITLE]]);
	/* ... and the public programme shows it. */
	const r = await page.request.get(BASE + '/');
	assert.ok((await r.text()).includes(NEW_TITLE),
	    'the event page does not show the new title');
	done.session = true;
});

test('admin runs the allocation preview, then applies it', async (t) => {
	assert.equal(scalar('SELECT count(*) FROM assignment'), '0');
	if (skipIf404(t, await open(page, '/console/allocation'),
	    '/console/allocation'))
		return;
	/* The preview changes nothing yet. */
	assert.equal(scalar('SELECT count(*) FROM assignment'), '0');
	const placed = Number((await page.locator('#fig-placed').innerText())
	    .replace(/\D/g, ''));
	assert.ok(placed > 0, 'the preview placed nobody');
	assert.ok(await page.locator('#rank-hist tbody tr').count() > 0);
	assert.ok(await page.locator('#sessions tbody tr').count() >= 12);
	assert.equal(Number(await page.locator('#diff-added').innerText()),
	    placed);
	await assertAccessible(page, '/console/allocation (preview)');
	const status = await submit(page.locator(
	    'form[action="/console/allocation/apply"] button[type=submit]'));
	assert.equal(status, 303, `apply answered ${status}`);
	assert.equal(Number(scalar('SELECT count(*) FROM assignment')), placed);
	assert.ok(Number(scalar(`SELECT count(*) FROM audit_log WHERE action
	    LIKE '%alloc%'`)) >= 1, 'applying is not in the audit log');
	done.applied = true;
	console.log(`preview placed ${placed}; applied`);
});

test('admin moves someone to another session', async (t) => {
	if (!done.applied) {
		t.skip('no allocation applied (its page is not built yet)');
		return;
	}
	/* Someone placed, and a session in the same slot with room. */
	const [[pid, from, to]] = sql(`SELECT a.participant_id, a.session_id,
	    o.id FROM assignment a JOIN session s ON s.id = a.session_id
	    JOIN session o ON o.slot_id = s.slot_id AND o.id <> s.id
	    WHERE o.capacity > (SELECT count(*) FROM assignment b
		WHERE b.session_id = o.id)
	    ORDER BY a.participant_id, o.id LIMIT 1`);
	if (skipIf404(t, await open(page, `/console/sessions/${from}/seating`),
	    `/console/sessions/${from}/seating`))
		return;
	const row = page.locator(`tr#p-${pid}`);
	await row.locator('select[name=to_session]').selectOption(to);
	let status = await submit(row.locator('button[value=move]'));
	if (status !== 303 && await page.locator('#refused').count() > 0) {
		/* A rule would break: the page says which; override on purpose. */
		const rules = await page.locator('#refused li').allInnerTexts();
		assert.ok(rules.length > 0, 'refused without saying why');
		const again = page.locator(`tr#p-${pid}`);
		await again.locator('select[name=to_session]').selectOption(to);
		await again.locator('input[name=override]').check();
		status = await submit(again.locator('button[value=move]'));
	}
	assert.equal(status, 303, `the move answered ${status}`);
	const now = sql(`SELECT session_id FROM assignment WHERE
	    participant_id = $1 ORDER BY 1`, pid).map((r) => r[0]);
	assert.ok(now.includes(to) && !now.includes(from),
	    `after moving ${pid} from ${from} to ${to}: ${now}`);
	assert.ok(Number(scalar(`SELECT count(*) FROM audit_log WHERE
	    (subject_type = 'participant' AND subject_id = $1::bigint)
	    OR after->>'participant_id' = $1 OR after->>'participant' = $1`,
	    pid)) >= 1,
	    'the move is not in the audit log');
	done.moved = { pid, from, to };
	console.log(`moved participant ${pid} from session ${from} to ${to}`);
});

test('admin publishes: the page says how many, the outbox gets them',
    async (t) => {
	if (!done.applied) {
		t.skip('no allocation applied (its page is not built yet)');
		return;
	}
	if (skipIf404(t, await open(page, '/console/publish'), '/console/publish'))
		return;
	const placements = Number(scalar('SELECT count(*) FROM assignment'));
	assert.equal(Number(await page.locator('#n-invites').innerText()),
	    placements);
	assert.equal(Number(await page.locator('#n-cancels').innerText()), 0);
	assert.equal(scalar(`SELECT count(*) FROM outbox WHERE kind LIKE
	    'invite%'`), '0');
	await assertAccessible(page, '/console/publish');
	const status = await submit(page.locator(
	    'form[action="/console/publish"] button[type=submit]'));
	assert.equal(status, 303, `publishing answered ${status}`);
	/* Exactly the placed people, one invitation per placement. */
	const placed = sql(`SELECT DISTINCT participant_id FROM assignment
	    ORDER BY 1`).map((r) => r[0]);
	const invited = sql(`SELECT DISTINCT participant_id FROM outbox WHERE
	    kind LIKE 'invite%' ORDER BY 1`).map((r) => r[0]);
	assert.deepEqual(invited, placed);
	const pairs = sql(`SELECT participant_id || ':' || session_id FROM
	    assignment ORDER BY 1`).map((r) => r[0]);
	const sent = sql(`SELECT participant_id || ':' || (payload->>'session_id')
	    FROM outbox WHERE kind = 'invite' ORDER BY 1`).map((r) => r[0]);
	assert.deepEqual(sent, pairs);
	assert.equal(scalar(`SELECT count(*) FROM outbox WHERE kind <> 'invite'
	    AND kind LIKE 'invite%'`), '0');
	if (done.moved) {
		const { pid, from, to } = done.moved;
		assert.ok(sent.includes(`${pid}:${to}`) &&
		    !sent.includes(`${pid}:${from}`));
	}
	console.log(`published: ${sent.length} invitations to ` +
	    `${invited.length} people`);
	/* Publishing again sends nothing new. */
	assert.equal(await open(page, '/console/publish'), 200);
	assert.equal(Number(await page.locator('#n-invites').innerText()), 0);
});
