/*
 * lib.mjs -- shared helpers for the end-to-end tests: Debian's Chromium
 * driven by playwright-core, axe-core, the maildir, the database (psql)
 * and a small crawler of the console.
 *
 * run_e2e.py starts summitd against a fresh database and passes:
 * BASE_URL, SUMMIT_E2E_DB_URL, SUMMIT_E2E_MAILDIR, SUMMIT_E2E_ADMIN,
 * SUMMIT_E2E_STAFF, SUMMIT_E2E_PASSWORD, SUMMIT_E2E_CHROMIUM.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

function need(name) {
	const v = process.env[name];
	if (!v)
		throw new Error(`${name} is not set (run through run_e2e.py)`);
	return v;
}

export const BASE = need('BASE_URL');
export const DB_URL = need('SUMMIT_E2E_DB_URL');
export const MAILDIR = need('SUMMIT_E2E_MAILDIR');
export const ADMIN = need('SUMMIT_E2E_ADMIN');
export const STAFF = need('SUMMIT_E2E_STAFF');
export const PASSWORD = need('SUMMIT_E2E_PASSWORD');
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

/* Chromium as root in a container: no sandbox, no background traffic;
 * playwright gives it a fresh temporary profile. */
export async function launch() {
	return chromium.launch({
		executablePath: process.env.SUMMIT_E2E_CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync',
			'--disable-dev-shm-usage'],
		timeout: 60000,
	});
}

/* A browser context of its own (cookies, storage) with one page.  The
 * CSP allows script only from 'self', so axe is injected bypassing it. */
export async function newPage(browser) {
	const ctx = await browser.newContext({ bypassCSP: true, locale: 'nb-NO' });
	ctx.setDefaultTimeout(20000);
	return ctx.newPage();
}

/* Runs axe-core on the page; returns the serious and critical violations. */
export async function axe(page) {
	await page.addScriptTag({ path: AXE_PATH });
	const res = await page.evaluate(async () => {
		/* global axe */
		const r = await axe.run(document, {
			resultTypes: ['violations'],
		});
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') +
			    ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ')),
		}));
	});
	return res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(list) {
	return list.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ` +
	    v.nodes.join('\n    ')).join('\n');
}

/* Asserts no serious or critical violation, printing them if any. */
export async function assertAccessible(page, what) {
	const bad = await axe(page);
	if (bad.length > 0)
		console.log(`axe on ${what}:\n` + formatViolations(bad));
	assert.equal(bad.length, 0, `axe found serious/critical violations ` +
	    `on ${what}:\n${formatViolations(bad)}`);
}

/* Runs summitctl on the test's instance (run_e2e.py); its output. */
export function ctl(...args) {
	return execFileSync(need('SUMMIT_E2E_CTL'),
	    ['--config', need('SUMMIT_E2E_CONF'), ...args], { encoding: 'utf8' });
}

/* psql -At: rows as arrays of strings.  Values are bound as psql
 * variables (:'v1', :'v2' ...), quoted by psql itself. */
export function sql(text, ...params) {
	const args = [DB_URL, '-X', '-q', '-A', '-t', '-F', '\t',
		'-v', 'ON_ERROR_STOP=1'];
	params.forEach((p, i) => args.push('-v', `v${i + 1}=${p}`));
	const out = execFileSync('psql', args, {
		input: text.replace(/\$(\d+)/g, ":'v$1'") + ';\n',
		encoding: 'utf8',
	});
	return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

export function scalar(text, ...params) {
	const rows = sql(text, ...params);
	return rows.length ? rows[0][0] : null;
}

/* A fingerprint of everything an organiser could change: an md5 per
 * table, in one query. */
export function snapshot(except = ['login_session', 'login_failure',
	'audit_log']) {
	const tables = sql(`SELECT table_name FROM information_schema.tables
	    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
	    ORDER BY 1`).map((r) => r[0]).filter((t) => !except.includes(t));
	const q = tables.map((t) => `SELECT '${t}', md5(coalesce(string_agg(
	    x::text, '|' ORDER BY x::text), '')) FROM "${t}" x`)
	    .join(' UNION ALL ');
	return Object.fromEntries(sql(q));
}

/* ---- mail ---- */

function decodeQP(s) {
	return Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g,
	    (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1')
	    .toString('utf8');
}

function splitMessage(raw) {
	const i = raw.search(/\r?\n\r?\n/);
	const head = i < 0 ? raw : raw.slice(0, i);
	const body = i < 0 ? '' : raw.slice(i).replace(/^\r?\n\r?\n/, '');
	const headers = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const m = line.match(/^([^:]+):\s*(.*)$/);
		if (m)
			headers[m[1].toLowerCase()] = m[2];
	}
	return { headers, body };
}

/* The text of a message: every text part decoded (base64 or QP). */
export function mailText(raw) {
	const { headers, body } = splitMessage(raw);
	const type = headers['content-type'] || 'text/plain';
	const b = type.match(/boundary="?([^";]+)"?/i);
	if (/^multipart\//i.test(type) && b) {
		return body.split('--' + b[1]).slice(1)
		    .filter((p) => !p.startsWith('--'))
		    .map((p) => mailText(p.replace(/^\r?\n/, ''))).join('\n');
	}
	if (!/^text\//i.test(type))
		return '';
	const enc = (headers['content-transfer-encoding'] || '').toLowerCase();
	if (enc === 'base64')
		return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	if (enc === 'quoted-printable')
		return decodeQP(body);
	return body;
}

/* Waits for a delivered message to ADDRESS whose text matches RE. */
export async function waitForMail(address, re, timeoutMs = 20000) {
	const dir = path.join(MAILDIR, 'new');
	const end = Date.now() + timeoutMs;
	while (Date.now() < end) {
		if (fs.existsSync(dir)) {
			for (const f of fs.readdirSync(dir).sort()) {
				const raw = fs.readFileSync(path.join(dir, f), 'utf8');
				const { headers } = splitMessage(raw);
				if (!(headers.to || '').includes(address))
					continue;
				const m = mailText(raw).match(re);
				if (m)
					return m;
			}
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no mail to ${address} matching ${re} in ${dir}`);
}

/* ---- pages ---- */

/* Opens PATH; returns the response status (a 404 means "not built"). */
export async function open(page, p) {
	const r = await page.goto(BASE + p, { waitUntil: 'load' });
	return r ? r.status() : 0;
}

export async function login(page, email) {
	assert.equal(await open(page, '/console/login'), 200);
	await page.fill('#email', email);
	await page.fill('#password', PASSWORD);
	await Promise.all([
		page.waitForURL((u) => !u.pathname.endsWith('/login')),
		page.click('main form button[type=submit]'),
	]);
	assert.equal(new URL(page.url()).pathname, '/console',
	    'login did not lead to the dashboard');
}

export async function csrfOf(page) {
	return page.locator('input[name=_csrf]').first().getAttribute('value');
}

/* Registers someone through the HTTP form (no browser UI), confirms with
 * the mailed link's page and its button, and returns their
 * participant-page token. */
export async function registerAndConfirm(page, email, ranks = ['1', '5', '9']) {
	const req = page.request;
	const html = await (await req.get(BASE + '/register')).text();
	const csrf = html.match(/name="_csrf" value="([0-9a-f]+)"/)[1];
	const form = { _csrf: csrf, name: 'E2E ' + email, email,
		organisation: 'Testorg', sector: 'academia', role: '',
		needs: '', language: 'nb', consent: 'yes' };
	ranks.forEach((s, i) => { form['rank' + (i + 1)] = s; });
	const r = await req.post(BASE + '/register', { form, maxRedirects: 0 });
	assert.equal(r.status(), 303, await r.text());
	const m = await waitForMail(email, /\/confirm\/([0-9a-f]{32})/);
	/* GET shows the confirmation page; its button POSTs. */
	const g = await req.get(BASE + '/confirm/' + m[1], { maxRedirects: 0 });
	assert.equal(g.status(), 200);
	const token = (await g.text()).match(/name="_csrf" value="([0-9a-f]+)"/)[1];
	const c = await req.post(BASE + '/confirm/' + m[1], {
		form: { _csrf: token }, maxRedirects: 0 });
	assert.equal(c.status(), 303, await c.text());
	return c.headers().location.match(/\/me\/([0-9a-f]+)/)[1];
}

/*
 * Follows the console's links from /console (same origin, GET, HTML
 * only) and returns { pages: [{path, status}], forms: [{page, action,
 * fields}] } for every POST form found.  Paths that differ only in
 * numbers are visited at most twice; queries are dropped except one
 * per path.
 */
export async function crawlConsole(page, limit = 60) {
	const seen = new Set();
	const shapes = new Map();
	const queue = ['/console'];
	const pages = [];
	const forms = [];
	while (queue.length && pages.length < limit) {
		const p = queue.shift();
		if (seen.has(p))
			continue;
		seen.add(p);
		const shape = p.replace(/\?.*$/, '').replace(/\/\d+(?=\/|$)/g, '/N');
		const n = shapes.get(shape) || 0;
		if (n >= 2)
			continue;
		shapes.set(shape, n + 1);
		/* Downloads (CSV, ICS) are not pages. */
		const head = await page.request.get(BASE + p, { maxRedirects: 0 });
		const type = head.headers()['content-type'] || '';
		if (!type.startsWith('text/html') ||
		    head.headers()['content-disposition'])
			continue;
		const status = await open(page, p);
		pages.push({ path: p, status });
		if (status !== 200)
			continue;
		const found = await page.evaluate(() => {
			const links = [...document.querySelectorAll('a[href]')]
			    .map((a) => a.getAttribute('href'));
			const fs_ = [...document.querySelectorAll('form')]
			    .filter((f) => (f.getAttribute('method') || 'get')
				.toLowerCase() === 'post')
			    .map((f) => ({
				action: f.getAttribute('action') || location.pathname,
				fields: [...new FormData(f).entries()]
				    .filter(([, v]) => typeof v === 'string'),
			    }));
			return { links, forms: fs_ };
		});
		for (const f of found.forms)
			forms.push({ page: p, ...f });
		for (const href of found.links) {
			let u;
			try {
				u = new URL(href, BASE + p);
			} catch {
				continue;
			}
			if (u.origin !== new URL(BASE).origin ||
			    !u.pathname.startsWith('/console') ||
			    u.pathname.startsWith('/console/login') ||
			    u.pathname.startsWith('/console/setup') ||
			    u.searchParams.has('lang') ||
			    /\.(csv|ics|json|xlsx)$/.test(u.pathname))
				continue;
			const q = u.search ? u.pathname + u.search : u.pathname;
			if (!seen.has(u.pathname))
				queue.push(u.pathname);
			else if (q !== u.pathname && !seen.has(q) &&
			    !u.searchParams.has('done'))
				queue.push(q);
		}
	}
	return { pages, forms };
}
