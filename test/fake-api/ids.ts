/** Identifiers and time formatting shared by both fakes. */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export function uuid(): string {
	return randomUUID();
}

export function randomHex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Short opaque ids such as anyformat's workflow `version_id` ("FGaV4I2JAA"). */
export function randomBase62(length: number): string {
	let out = '';
	for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
	return out;
}

export function sha256Hex(data: Buffer | string): string {
	return createHash('sha256').update(data).digest('hex');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID_RE.test(value);
}

/** anyformat style: 2024-03-24T12:00:00.000Z */
export function isoMillis(ms: number): string {
	return new Date(ms).toISOString();
}

/** Anesya (Django) style: 2025-06-12T14:56:10.682461Z — microseconds, the last three digits are always 0 here. */
export function isoMicros(ms: number): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Whole seconds, no fraction: Anesya webhook timestamps and anyformat v1 bodies (2025-06-25T14:45:26Z). */
export function isoSeconds(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Monotonic numeric ids (v1 job ids are numeric strings such as "362963"). Never reset, so stale ids stay unknown. */
export class Counter {
	constructor(private value: number) {}

	next(): number {
		return this.value++;
	}
}

/** Masks a secret for display in state dumps: keeps enough to tell test keys apart, never the whole value. */
export function maskSecret(secret: string): string {
	if (secret.length <= 6) return '***';
	return `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}
