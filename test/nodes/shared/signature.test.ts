import { createHmac, randomBytes } from 'node:crypto';

import {
	bodyHmacScheme,
	checkDeliverySignature,
	checkToken,
	hasStandardWebhookHeaders,
	headerNamesOf,
	STANDARD_WEBHOOKS,
	randomToken,
	safeEqual,
	signStandardWebhook,
	verifyStandardWebhook,
} from '../../../nodes/shared/signature';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = Buffer.from('{"event":"extraction.completed","data":{"extraction_id":"c1"}}');
const now = 1_800_000_000_000;
const ts = Math.floor(now / 1000);

/** Signature computed independently of the module under test. */
function independentSignature(id: string, timestamp: number, payload: Buffer) {
	const key = Buffer.from(secret.slice(6), 'base64');
	return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${payload.toString('utf8')}`).digest('base64')}`;
}

const headers = (overrides: Record<string, string> = {}) => ({
	'webhook-id': 'msg_1',
	'webhook-timestamp': String(ts),
	'webhook-signature': independentSignature('msg_1', ts, body),
	...overrides,
});

describe('Standard Webhooks verification', () => {
	it('signs like the spec: base64 HMAC-SHA256 of id.timestamp.body with the decoded whsec_ key', () => {
		expect(signStandardWebhook(secret, 'msg_1', ts, body)).toBe(independentSignature('msg_1', ts, body));
	});

	it('accepts a valid delivery, also when several signatures are listed', () => {
		expect(verifyStandardWebhook({ secret, headers: headers(), rawBody: body, now })).toEqual({ ok: true, id: 'msg_1', timestamp: ts });
		const listed = headers({ 'webhook-signature': `v1,AAAA ${independentSignature('msg_1', ts, body)}` });
		expect(verifyStandardWebhook({ secret, headers: listed, rawBody: body, now }).ok).toBe(true);
	});

	it.each([
		['tampered body', {}, Buffer.from(body.toString().replace('c1', 'c2')), 'mismatch'],
		['wrong id', { 'webhook-id': 'msg_2' }, body, 'mismatch'],
		['v2 scheme only', { 'webhook-signature': independentSignature('msg_1', ts, body).replace('v1,', 'v2,') }, body, 'mismatch'],
		['stale timestamp', { 'webhook-timestamp': String(ts - 301), 'webhook-signature': independentSignature('msg_1', ts - 301, body) }, body, 'stale'],
		['future timestamp', { 'webhook-timestamp': String(ts + 301), 'webhook-signature': independentSignature('msg_1', ts + 301, body) }, body, 'stale'],
		['non-numeric timestamp', { 'webhook-timestamp': '12a' }, body, 'malformed'],
		['timestamp with a prefix', { 'webhook-timestamp': `x${ts}` }, body, 'malformed'],
		['missing signature', { 'webhook-signature': '' }, body, 'missing-headers'],
	])('rejects %s', (_name, override, payload, reason) => {
		const result = verifyStandardWebhook({ secret, headers: headers(override as Record<string, string>), rawBody: payload as Buffer, now });
		expect(result).toEqual({ ok: false, reason });
	});

	it('accepts a timestamp exactly at the edge of the 5-minute window', () => {
		for (const at of [ts - 300, ts + 300]) {
			const edge = headers({ 'webhook-timestamp': String(at), 'webhook-signature': independentSignature('msg_1', at, body) });
			expect(verifyStandardWebhook({ secret, headers: edge, rawBody: body, now }).ok).toBe(true);
		}
	});

	it('rejects a signed delivery when no secret is known (fail closed)', () => {
		expect(verifyStandardWebhook({ secret: undefined, headers: headers(), rawBody: body, now })).toEqual({ ok: false, reason: 'no-secret' });
	});

	it('detects the presence of any Standard-Webhooks header', () => {
		expect(hasStandardWebhookHeaders({})).toBe(false);
		expect(hasStandardWebhookHeaders({ 'webhook-id': 'x' })).toBe(true);
	});
});

describe('safeEqual and randomToken', () => {
	it('compares exactly, whatever the lengths', () => {
		expect(safeEqual('abc', 'abc')).toBe(true);
		expect(safeEqual('abc', 'abd')).toBe(false);
		expect(safeEqual('abc', 'abcd')).toBe(false);
		expect(safeEqual('', 'a')).toBe(false);
	});

	it('makes URL-safe tokens with 256 bits of entropy, all different', () => {
		const tokens = new Set(Array.from({ length: 200 }, () => randomToken()));
		expect(tokens.size).toBe(200);
		for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});
});

describe('checkToken (the URL token, before any signature)', () => {
	const token = randomToken();
	it.each([
		['the token', token, 'ok'],
		['no token', undefined, 'missing'],
		['an empty token', '', 'missing'],
		['a prefix of the token', token.slice(0, 20), 'invalid'],
		['the token with one more character', `${token}x`, 'invalid'],
		['another token', randomToken(), 'invalid'],
	])('%s', (_name, given, expected) => {
		expect(checkToken(given, token)).toBe(expected);
	});
});

describe('checkDeliverySignature (Signature Check: Auto / Required)', () => {
	const anesyaHmac = bodyHmacScheme(['X-Anesya-Signature', 'X-Signature']);
	const schemes = [STANDARD_WEBHOOKS, anesyaHmac];
	const hexOf = (key: string | Buffer, payload: Buffer) => createHmac('sha256', key).update(payload).digest('hex');
	const check = (overrides: Partial<Parameters<typeof checkDeliverySignature>[0]> & { headers: Record<string, string> }) =>
		checkDeliverySignature({
			requireSignature: false,
			secrets: [secret],
			rawBody: async () => body,
			schemes,
			missingSecret: 'set the secret',
			now,
			...overrides,
		});

	it('Auto: no signature header → accepted on the token', async () => {
		expect(await check({ headers: { 'content-type': 'application/json' } })).toEqual({ ok: true, authenticatedBy: 'token' });
	});

	it('a valid signature of either scheme → authenticated by signature, in both modes', async () => {
		for (const requireSignature of [false, true]) {
			expect(await check({ requireSignature, headers: headers() })).toEqual({ ok: true, authenticatedBy: 'signature' });
			expect(await check({ requireSignature, headers: { 'x-anesya-signature': `sha256=${hexOf(secret, body)}` } })).toEqual({ ok: true, authenticatedBy: 'signature' });
			const base64 = createHmac('sha256', secret).update(body).digest('base64');
			expect(await check({ requireSignature, headers: { 'x-signature': base64 } })).toEqual({ ok: true, authenticatedBy: 'signature' });
		}
	});

	it('accepts a signature made with any of several secrets (one per dashboard webhook, or rotation)', async () => {
		const other = `whsec_${randomBytes(32).toString('base64')}`;
		expect(await check({ secrets: [other, secret], headers: headers() })).toEqual({ ok: true, authenticatedBy: 'signature' });
	});

	// The forgery table: every row is refused in both modes, with the reason and never a secret value.
	const prefixOfSecret = secret.slice(0, 20);
	const forgeries: Array<[string, Record<string, string>, Buffer, RegExp]> = [
		['wrong signature', headers({ 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), body, /^Invalid signature$/],
		['tampered body', headers(), Buffer.from(body.toString().replace('c1', 'c2')), /^Invalid signature$/],
		['signed with a prefix of the secret', headers({ 'webhook-signature': `v1,${createHmac('sha256', Buffer.from(prefixOfSecret.slice(6), 'base64')).update(`msg_1.${ts}.${body}`).digest('base64')}` }), body, /^Invalid signature$/],
		['replay: a valid signature from 10 minutes ago', headers({ 'webhook-timestamp': String(ts - 600), 'webhook-signature': independentSignature('msg_1', ts - 600, body) }), body, /more than 5 minutes away/],
		['incomplete Standard-Webhooks headers', { 'webhook-signature': independentSignature('msg_1', ts, body) }, body, /^Incomplete signature headers/],
		['body HMAC with a wrong key', { 'x-anesya-signature': `sha256=${hexOf('not the secret', body)}` }, body, /^Invalid signature$/],
		['body HMAC of a tampered body', { 'x-anesya-signature': hexOf(secret, body) }, Buffer.from(`${body.toString()} `), /^Invalid signature$/],
		['empty body HMAC header', { 'x-anesya-signature': 'sha256=' }, body, /^Malformed signature headers$/],
	];
	it.each(forgeries)('refuses %s', async (_name, given, payload, message) => {
		for (const requireSignature of [false, true]) {
			const result = await check({ requireSignature, headers: given, rawBody: async () => payload });
			expect(result).toEqual({ ok: false, message: expect.stringMatching(message) });
			expect(JSON.stringify(result)).not.toContain(secret.slice(6, 20));
		}
	});

	it('Required: no recognised signature header → refused, naming what was expected and which headers arrived (names only)', async () => {
		const result = await check({
			requireSignature: true,
			headers: { 'content-type': 'application/json', 'x-webhook-token': 'token-value', 'x-hub-signature-256': 'sha256=abc' },
		});
		expect(result).toEqual({
			ok: false,
			message:
				'Signature required but none recognised. Expected: webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks); or X-Anesya-Signature or X-Signature (HMAC-SHA256 of the body, hex or base64). Headers received: content-type, x-hub-signature-256, x-webhook-token',
		});
		expect(JSON.stringify(result)).not.toContain('token-value');
	});

	it('no known secret: Auto accepts an unsigned delivery, but a signed one or Required cannot be checked (fail closed)', async () => {
		expect(await check({ secrets: [], headers: {} })).toEqual({ ok: true, authenticatedBy: 'token' });
		expect(await check({ secrets: [], headers: headers() })).toEqual({ ok: false, message: 'set the secret' });
		expect(await check({ secrets: [], requireSignature: true, headers: {} })).toEqual({ ok: false, message: 'set the secret' });
	});

	it('reads the body only when a signature must be checked', async () => {
		let reads = 0;
		const rawBody = async () => {
			reads++;
			return body;
		};
		await check({ headers: {}, rawBody });
		expect(reads).toBe(0);
		await check({ headers: headers(), rawBody });
		expect(reads).toBe(1);
	});

	it('lists at most 40 header names', () => {
		const many = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`x-h${String(i).padStart(2, '0')}`, 'v']));
		expect(headerNamesOf(many)).toMatch(/x-h39 and 5 more$/);
		expect(headerNamesOf({})).toBe('none');
	});
});
