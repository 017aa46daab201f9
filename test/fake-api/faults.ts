/**
 * Fault injection. Error kinds ('429', 5xx, 'reset', 'hang') act BEFORE the request is processed, so they
 * never create jobs; 'slow', 'malformed' and the 'acted-*' kinds act on the processed answer (see FaultKind).
 * Random faults come from a seeded PRNG, so a given seed and request order always give the same faults.
 */
import { jsonResponse, rawResponse, type FakeResponse } from './http';
import { randomHex } from './ids';
import { FAULT_KINDS, type FaultKind, type FaultOptions, type FaultRequest, type FaultRule, type Vendor } from './types';

export interface FaultDecision {
	kind: FaultKind;
	retryAfterSeconds: number;
	slowMs: number;
}

interface ActiveRule extends FaultRule {
	remaining: number;
}

export const DEFAULT_SLOW_MS = 1500;

/** mulberry32: tiny, fast, and good enough to spread faults; fully determined by the seed. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultEngine {
	private options: FaultOptions = {};
	private random: () => number = mulberry32(0);
	private rules: ActiveRule[] = [];

	constructor(options: FaultOptions | undefined) {
		this.configure(options ?? {});
	}

	/** Replaces the random-fault options; a seed (given or unchanged) restarts the PRNG sequence. */
	configure(partial: FaultOptions): void {
		this.options = { ...this.options, ...partial };
		validateKinds(this.options.kinds ?? []);
		this.random = mulberry32(this.options.seed ?? 0);
	}

	get current(): FaultOptions {
		return { ...this.options };
	}

	addRule(rule: FaultRule): void {
		validateKinds([rule.kind]);
		this.rules.push({ ...rule, remaining: rule.times ?? 1 });
	}

	clearRules(): void {
		this.rules = [];
	}

	/** Restarts the random sequence from the seed and drops targeted rules (used by reset()). */
	restart(): void {
		this.rules = [];
		this.random = mulberry32(this.options.seed ?? 0);
	}

	get pendingRules(): Array<FaultRule & { remaining: number }> {
		return this.rules.map((r) => ({ ...r }));
	}

	decide(req: FaultRequest): FaultDecision | undefined {
		if (req.vendor === 'control') return undefined;
		const slowDefault = this.options.slowMs ?? DEFAULT_SLOW_MS;
		const retryDefault = this.options.retryAfterSeconds ?? 1;

		const rule = this.rules.find((r) => ruleMatches(r, req));
		if (rule) {
			rule.remaining--;
			if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
			return { kind: rule.kind, retryAfterSeconds: rule.retryAfterSeconds ?? retryDefault, slowMs: rule.slowMs ?? slowDefault };
		}

		const rate = this.options.rate ?? 0;
		const kinds = this.options.kinds ?? [];
		if (rate <= 0 || kinds.length === 0) return undefined;
		if (this.options.match && !this.options.match(req)) return undefined;
		if (this.random() >= rate) return undefined;
		const kind = kinds[Math.floor(this.random() * kinds.length)];
		return { kind, retryAfterSeconds: retryDefault, slowMs: slowDefault };
	}
}

function validateKinds(kinds: readonly string[]): void {
	for (const kind of kinds) {
		if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(', ')})`);
	}
}

function ruleMatches(rule: FaultRule, req: FaultRequest): boolean {
	if (rule.method && rule.method.toUpperCase() !== req.method) return false;
	if (rule.path === undefined) return true;
	if (rule.path instanceof RegExp) return rule.path.test(req.path);
	const routePattern = req.route.slice(req.route.indexOf(' ') + 1);
	return rule.path === req.path || (req.route !== '' && rule.path === routePattern);
}

/** Faults answered instead of processing the request. */
export function isErrorKind(kind: FaultKind): boolean {
	return kind !== 'slow' && kind !== 'malformed' && !kind.startsWith('acted-');
}

type FaultVendor = Vendor;

/**
 * The answer for '429' and 5xx faults, shaped like each service's own errors. 502/504 come back as an HTML
 * gateway page, as a load balancer in front of the service would send, so clients must cope with non-JSON errors.
 */
export function faultResponse(kind: '429' | '500' | '502' | '503' | '504', vendor: FaultVendor, retryAfterSeconds: number): FakeResponse {
	const status = Number(kind);
	if (status === 502 || status === 504) {
		const title = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
		return rawResponse(status, `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>\n`, 'text/html');
	}
	const retryHeaders: Record<string, string> = status === 429 || status === 503 ? { 'retry-after': String(retryAfterSeconds) } : {};
	if (vendor === 'anesya') {
		const detail =
			status === 429
				? `Request was throttled. Expected available in ${Math.ceil(retryAfterSeconds)} seconds.`
				: status === 503
					? 'Service temporarily unavailable, try again later.'
					: 'A server error occurred.';
		return jsonResponse(status, { detail }, retryHeaders);
	}
	const requestId = randomHex(16);
	const byStatus: Record<number, [string, string, string]> = {
		429: ['Rate limit exceeded', 'Too many requests. Retry after the time given in the Retry-After header.', 'RATE_LIMITED'],
		500: ['Internal server error', 'An unexpected error occurred while processing your request. Please try again or contact support.', 'INTERNAL_ERROR'],
		503: ['Service unavailable', 'The service is temporarily unavailable. Please retry shortly.', 'SERVICE_UNAVAILABLE'],
	};
	const [error, detail, code] = byStatus[status];
	const body: Record<string, unknown> = { error, detail, error_code: code, retryable: true, request_id: requestId };
	if (status === 500) body.reference_id = `err_${randomHex(4)}`;
	return jsonResponse(status, body, { ...retryHeaders, 'x-request-id': requestId });
}

/** 'malformed': status 200 and the first half of the JSON the handler produced (or of a stub when it had none). */
export function malformedResponse(original: FakeResponse): FakeResponse {
	const text = original.body && original.body.length > 1 ? original.body.toString('utf8') : '{"status": "ok", "detail": null}';
	const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
	const headers: Record<string, string> = { ...original.headers, 'content-type': 'application/json' };
	delete headers['content-disposition'];
	return { status: 200, headers, body: Buffer.from(cut) };
}
