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

// ---------------------------------------------------------------- delivery authentication

/** How a trigger treats signatures: Auto verifies one when it arrives; Required refuses a delivery without one. */
export type SignatureCheckMode = 'auto' | 'required';

/** What an emitted item says about its delivery (`_meta.authenticatedBy`); 'none' only where no check is set up. */
export type AuthenticatedBy = 'signature' | 'token' | 'none';

/** The URL token of a delivery: missing, not ours, or ours (constant-time). An empty token is missing. */
export function checkToken(given: string | undefined, expected: string): 'ok' | 'missing' | 'invalid' {
	if (!given) return 'missing';
	return safeEqual(given, expected) ? 'ok' : 'invalid';
}

/** One signature scheme a trigger recognises: the headers that announce it and how to verify it. */
export interface SignatureScheme {
	/** For messages, e.g. "webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)". */
	expected: string;
	present(headers: IDataObject): boolean;
	verify(input: { secret: string; headers: IDataObject; rawBody: Buffer; toleranceSeconds: number; now?: number }): SignatureCheck;
}

/** Standard Webhooks (the `whsec_` convention): anyformat's likely scheme, and the first guess for Anesya v0. */
export const STANDARD_WEBHOOKS: SignatureScheme = {
	expected: 'webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)',
	present: hasStandardWebhookHeaders,
	verify: (input) => verifyStandardWebhook(input),
};

/**
 * A hex or base64 HMAC-SHA256 of the raw body in one header (optionally `sha256=`-prefixed), the
 * other common scheme. The key is the secret's bytes, or for a `whsec_` secret also its decoded key.
 * It carries no timestamp, so replays are caught only by the trigger's de-duplication.
 */
export function bodyHmacScheme(headerNames: string[]): SignatureScheme {
	const names = headerNames.map((name) => name.toLowerCase());
	const valueOf = (headers: IDataObject) => names.map((name) => header(headers, name)).find((value) => value !== undefined);
	return {
		expected: `${headerNames.join(' or ')} (HMAC-SHA256 of the body, hex or base64)`,
		present: (headers) => valueOf(headers) !== undefined,
		verify: ({ secret, headers, rawBody }) => {
			const given = (valueOf(headers) ?? '').trim().replace(/^sha256=/i, '');
			if (!given) return { ok: false, reason: 'malformed' };
			const keys: Buffer[] = [Buffer.from(secret, 'utf8')];
			if (secret.startsWith('whsec_')) keys.push(standardWebhookKey(secret));
			let matched = false;
			for (const key of keys) {
				const digest = createHmac('sha256', key).update(rawBody).digest();
				// Every comparison runs (no early exit) so timing does not tell which form matched.
				if (safeEqual(given.toLowerCase(), digest.toString('hex'))) matched = true;
				if (safeEqual(given, digest.toString('base64'))) matched = true;
			}
			return matched ? { ok: true, id: '', timestamp: 0 } : { ok: false, reason: 'mismatch' };
		},
	};
}

export type DeliveryAuthentication = { ok: true; authenticatedBy: 'signature' | 'token' } | { ok: false; message: string };

function signatureProblem(reason: Extract<SignatureCheck, { ok: false }>['reason'], toleranceSeconds: number): string {
	switch (reason) {
		case 'missing-headers':
			return 'Incomplete signature headers (webhook-id, webhook-timestamp and webhook-signature are all needed)';
		case 'malformed':
			return 'Malformed signature headers';
		case 'stale':
			return `Signature timestamp is more than ${toleranceSeconds / 60} minutes away from now (delayed or replayed delivery)`;
		case 'no-secret':
			return 'No signing secret to check the signature with';
		default:
			return 'Invalid signature';
	}
}

/** Header names only (values may hold tokens), sorted, bounded: what a refusal reports as "arrived". */
export function headerNamesOf(headers: IDataObject, max = 40): string {
	const names = Object.keys(headers).map((name) => name.toLowerCase()).sort();
	const shown = names.slice(0, max).join(', ');
	return names.length > max ? `${shown} and ${names.length - max} more` : shown || 'none';
}

/**
 * The Signature Check of both webhook triggers, after their token check. A delivery that carries a
 * recognised signature must verify against one of `secrets` (several: rotation, or one per dashboard
 * webhook). One that carries none passes on the token ('token') unless `requireSignature`; then it
 * is refused with the headers that were expected and the names of those that arrived, so the first
 * real delivery shows a scheme that is not recognised yet. Secret values never appear in a message.
 */
export async function checkDeliverySignature(input: {
	requireSignature: boolean;
	secrets: string[];
	headers: IDataObject;
	rawBody: () => Promise<Buffer | undefined>;
	schemes: readonly SignatureScheme[];
	/** The message when a signature must be checked but no secret is known, with the fix. */
	missingSecret: string;
	toleranceSeconds?: number;
	now?: number;
}): Promise<DeliveryAuthentication> {
	const present = input.schemes.filter((scheme) => scheme.present(input.headers));
	if (present.length === 0) {
		if (!input.requireSignature) return { ok: true, authenticatedBy: 'token' };
		if (input.secrets.length === 0) return { ok: false, message: input.missingSecret };
		const expected = input.schemes.map((scheme) => scheme.expected).join('; or ');
		return {
			ok: false,
			message: `Signature required but none recognised. Expected: ${expected}. Headers received: ${headerNamesOf(input.headers)}`,
		};
	}
	if (input.secrets.length === 0) return { ok: false, message: input.missingSecret };
	const rawBody = await input.rawBody();
	if (!rawBody) return { ok: false, message: 'The request body could not be read to check its signature' };

	const toleranceSeconds = input.toleranceSeconds ?? 300;
	let failure: SignatureCheck | undefined;
	for (const scheme of present) {
		for (const secret of input.secrets) {
			const check = scheme.verify({ secret, headers: input.headers, rawBody, toleranceSeconds, now: input.now });
			if (check.ok) return { ok: true, authenticatedBy: 'signature' };
			// A stale or malformed answer says more than a mismatch against another secret.
			if (!failure || (!failure.ok && failure.reason === 'mismatch')) failure = check;
		}
	}
	const reason = failure && !failure.ok ? failure.reason : 'mismatch';
	return { ok: false, message: signatureProblem(reason, toleranceSeconds) };
}
