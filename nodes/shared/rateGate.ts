import { waitFor } from './wait';

/**
 * Paces requests of one rate-limit tier. When the API reports its budget (x-ratelimit-limit /
 * -remaining / -reset), a batch waits for the next window instead of collecting 429s; until the
 * first answer shows whether it does, one request probes at a time. An API that only answers 429
 * (no budget headers) gets TCP-like concurrency: it starts small and doubles per round of
 * successes until the first 429, which halves it and holds everything until Retry-After; after
 * that it widens by one per round. So a throttling API costs few rejected requests, and one 429
 * never leaves a batch crawling.
 */
export class RateGate {
	/** true = the API reports its budget, false = it does not, undefined = not known yet. */
	private metered: boolean | undefined;

	private limit: number | undefined;

	private remaining: number | undefined;

	private resetAt = 0;

	/** Unmetered APIs: requests allowed in flight, growing fast until the first 429, then slowly. */
	private window = 1;

	private growFast = true;

	/** Unmetered APIs: after a 429, no request starts before this. */
	private blockedUntil = 0;

	private inFlight = 0;

	async acquire(signal?: AbortSignal, maxWaits = 10_000): Promise<void> {
		for (let waits = 0; waits < maxWaits; waits++) {
			const now = Date.now();
			if (this.resetAt && now >= this.resetAt) {
				// A new window: assume the full budget until an answer says otherwise.
				this.remaining = this.limit;
				this.resetAt = 0;
			}
			let free: boolean;
			if (this.metered === undefined || (this.metered && this.remaining === undefined)) {
				free = this.inFlight === 0;
			} else if (this.metered) {
				free = (this.remaining ?? 0) - this.inFlight > 0;
			} else {
				free = now >= this.blockedUntil && this.inFlight < Math.max(1, Math.floor(this.window));
			}
			if (free) {
				this.inFlight++;
				return;
			}
			const until = this.resetAt || this.blockedUntil;
			const delay = until > now ? until - now + 5 : 25;
			await waitFor(delay, signal);
		}
		throw new Error('Rate-limit gate did not open');
	}

	/** Records what an answer says about the budget. `headers` undefined = no answer arrived. */
	release(headers?: Record<string, string>, status?: number, retryAfter?: number): void {
		const inFlightBefore = this.inFlight;
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (!headers) return;
		const now = Date.now();
		const remaining = Number(headers['x-ratelimit-remaining']);
		const reportsBudget = headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining);
		if (reportsBudget) this.metered = true;
		else if (this.metered === undefined) this.metered = false;

		if (status === 429) {
			const until = now + (retryAfter ?? 1000);
			if (this.metered) {
				this.remaining = 0;
				this.resetAt = Math.max(this.resetAt, until);
			} else {
				this.growFast = false;
				this.window = Math.max(1, Math.floor(Math.min(this.window, inFlightBefore) / 2));
				this.blockedUntil = Math.max(this.blockedUntil, until);
			}
			return;
		}
		if (reportsBudget) {
			const limit = Number(headers['x-ratelimit-limit']);
			const reset = Number(headers['x-ratelimit-reset']);
			if (Number.isFinite(limit)) this.limit = limit;
			this.remaining = remaining;
			if (Number.isFinite(reset)) this.resetAt = now + reset * 1000;
		} else if (status !== undefined && status < 400) {
			this.window += this.growFast ? 1 : 1 / this.window;
		}
	}
}
