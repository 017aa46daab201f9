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

// Trigger static data is the durable memory of seen deliveries, but n8n 2.41 loses a trigger's
// static-data change when the same request starts an execution: the execution wraps the same object
// in a new Workflow, which clears its change flag, so the save after the webhook answers is skipped.
// This per-process memory catches repeats that reach the same n8n process either way (the main
// process in regular mode, a webhook processor in queue mode). Bounded, and it forgets after the TTL.
const processMemory = new Map<string, Map<string, number>>();
const MAX_SCOPES = 1000;

/**
 * Remembers delivery keys so a redelivered event runs the workflow once: in the trigger's static
 * data and in this process's memory, per `scope` (workflow + node). Returns false when the key was
 * seen before. Keeps the newest `max` keys for `ttlMs`.
 */
export function rememberDelivery(
	store: IDataObject,
	key: string,
	options: { scope?: string; now?: number; max?: number; ttlMs?: number } = {},
): boolean {
	const now = options.now ?? Date.now();
	const ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
	const max = options.max ?? 500;
	const seen = (store.seenDeliveries ?? {}) as Record<string, number>;
	const fresh = Object.entries(seen).filter(([, at]) => now - at < ttl);

	let memory: Map<string, number> | undefined;
	if (options.scope !== undefined) {
		memory = processMemory.get(options.scope);
		if (!memory) {
			if (processMemory.size >= MAX_SCOPES) processMemory.delete(processMemory.keys().next().value!);
			memory = new Map();
			processMemory.set(options.scope, memory);
		}
		for (const [k, at] of memory) if (now - at >= ttl) memory.delete(k);
	}
	if (fresh.some(([k]) => k === key) || memory?.has(key)) return false;

	fresh.push([key, now]);
	fresh.sort((a, b) => a[1] - b[1]);
	store.seenDeliveries = Object.fromEntries(fresh.slice(-max));
	if (memory) {
		memory.set(key, now);
		if (memory.size > max) memory.delete(memory.keys().next().value!);
	}
	return true;
}
