import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

/** Compares two secrets in constant time, whatever their lengths. */
export function safeEqual(actual: string, expected: string): boolean {
	const a = createHash('sha256').update(actual, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b) && actual.length === expected.length;
}

/** An unguessable URL-safe token (default 32 bytes of entropy). */
export function randomToken(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}

export type SignatureCheck =
	| { ok: true; id: string; timestamp: number }
	| { ok: false; reason: 'missing-headers' | 'malformed' | 'stale' | 'mismatch' | 'no-secret' };

const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

/** True when the delivery carries any Standard-Webhooks header (and so must verify). */
export function hasStandardWebhookHeaders(headers: IDataObject): boolean {
	return STANDARD_HEADERS.some((name) => header(headers, name) !== undefined);
}

/** Signing key of a Standard-Webhooks secret: base64 after the `whsec_` prefix. */
export function standardWebhookKey(secret: string): Buffer {
	return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function signStandardWebhook(secret: string, id: string, timestamp: number, rawBody: Buffer | string): string {
	const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8');
	const hmac = createHmac('sha256', standardWebhookKey(secret));
	hmac.update(`${id}.${timestamp}.`, 'utf8');
	hmac.update(body);
	return `v1,${hmac.digest('base64')}`;
}

/**
 * Verifies a Standard-Webhooks delivery: HMAC-SHA256 over `id.timestamp.rawBody` with the
 * base64-decoded `whsec_` key, any `v1,` signature in the space-separated list may match, and the
 * timestamp must be within the tolerance (default 5 minutes) either way.
 */
export function verifyStandardWebhook(input: {
	secret: string | undefined;
	headers: IDataObject;
	rawBody: Buffer | string;
	toleranceSeconds?: number;
	now?: number;
}): SignatureCheck {
	const id = header(input.headers, 'webhook-id');
	const timestampText = header(input.headers, 'webhook-timestamp');
	const signatures = header(input.headers, 'webhook-signature');
	if (!id || !timestampText || !signatures) return { ok: false, reason: 'missing-headers' };
	if (!input.secret) return { ok: false, reason: 'no-secret' };
	if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed' };
	const timestamp = Number(timestampText);
	const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
	if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale' };

	const expected = signStandardWebhook(input.secret, id, timestamp, input.rawBody).slice('v1,'.length);
	let matched = false;
	for (const candidate of signatures.split(' ')) {
		const [version, value] = candidate.split(',', 2);
		// Check every candidate (no early exit) so timing does not reveal which one matched.
		if (version === 'v1' && value !== undefined && safeEqual(value, expected)) matched = true;
	}
	return matched ? { ok: true, id, timestamp } : { ok: false, reason: 'mismatch' };
}
