import { createHmac, randomBytes } from 'node:crypto';

import {
	hasStandardWebhookHeaders,
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
		['missing signature', { 'webhook-signature': '' }, body, 'missing-headers'],
	])('rejects %s', (_name, override, payload, reason) => {
		const result = verifyStandardWebhook({ secret, headers: headers(override as Record<string, string>), rawBody: payload as Buffer, now });
		expect(result).toEqual({ ok: false, reason });
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
