/** Fixed-window rate limiting per (credential, tier), on the fake clock. */
import type { FakeResponse } from './http';
import { sha256Hex, type Clock } from './ids';
import type { RateWindow } from './types';

export interface RateDecision {
	allowed: boolean;
	limit: number;
	remaining: number;
	/** Milliseconds until the current window ends. */
	resetMs: number;
}

interface WindowState {
	startedAt: number;
	count: number;
}

export class FixedWindowLimiter {
	private readonly windows = new Map<string, WindowState>();

	constructor(private readonly clock: Clock) {}

	/** Counts one request; a refused request is not counted (the client is told to wait anyway). */
	take(credential: string, tier: string, window: RateWindow): RateDecision {
		// Keys are hashed so no raw credential sits in the map (it may end up in a heap dump or state view).
		const key = `${tier}:${sha256Hex(credential).slice(0, 16)}`;
		const now = this.clock();
		let state = this.windows.get(key);
		if (!state || now - state.startedAt >= window.windowMs) {
			state = { startedAt: now, count: 0 };
			this.windows.set(key, state);
		}
		const resetMs = Math.max(0, state.startedAt + window.windowMs - now);
		if (state.count >= window.limit) {
			return { allowed: false, limit: window.limit, remaining: 0, resetMs };
		}
		state.count++;
		return { allowed: true, limit: window.limit, remaining: window.limit - state.count, resetMs };
	}

	reset(): void {
		this.windows.clear();
	}
}

/** Seconds as a short decimal string ("0.35", "59.871"): integer-only would make sub-second test windows useless. */
export function secondsString(ms: number): string {
	const seconds = Math.max(ms, 1) / 1000;
	return String(Number(seconds.toFixed(3)));
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
	return {
		'x-ratelimit-limit': String(decision.limit),
		'x-ratelimit-remaining': String(decision.remaining),
		'x-ratelimit-reset': secondsString(decision.resetMs),
	};
}

/**
 * anyformat's limiting around a handler (v1 and v2 differ only in the 429 body): no decision → the handler alone;
 * refused → `refuse` with the X-RateLimit headers plus Retry-After; allowed → the handler's answer with the
 * X-RateLimit headers added. The handler runs only after the decision, so a refused request creates nothing.
 */
export function rateLimited(
	decision: RateDecision | undefined,
	refuse: (decision: RateDecision, headers: Record<string, string>) => FakeResponse,
	handle: () => FakeResponse,
): FakeResponse {
	if (!decision) return handle();
	const headers = rateLimitHeaders(decision);
	if (!decision.allowed) return refuse(decision, { ...headers, 'retry-after': secondsString(decision.resetMs) });
	const response = handle();
	Object.assign(response.headers, headers);
	return response;
}
