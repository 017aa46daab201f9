import { WaitAbortedError, waitFor } from './wait';

interface Waiter {
	resolve: () => void;
	reject: (error: Error) => void;
	signal?: AbortSignal;
	onAbort?: () => void;
}

/** When nothing says when the budget returns (no reset header, nothing in flight), look again after this. */
const UNKNOWN_RESET_MS = 1000;

/** Paced starts: how much of a window a start after a late timer may catch up (half the 3 % slack). */
const CATCH_UP_SHARE = 0.015;

/**
 * Paces requests of one rate-limit tier. When the API reports its budget (x-ratelimit-limit /
 * -remaining / -reset), a batch waits for the next window instead of collecting 429s; until the
 * first answer shows whether it does, one request probes at a time. An API that only answers 429
 * (no budget headers) gets TCP-like concurrency: it starts small and doubles per round of
 * successes until the first 429, which holds everything until its Retry-After. That first refusal
 * shows the size of the API's window (the requests let through, over the Retry-After), so from then
 * on requests are spaced to fit it (3 % wider after each further 429); a 429 without Retry-After
 * halves the width instead. So a throttling API costs a refusal or two, not one per window.
 *
 * Waiting requests queue in arrival order and are let through when an answer frees a slot or a
 * window resets (one timer, not one per waiter), so a batch of thousands costs nothing while it
 * waits and submissions keep the order of the items.
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

	/** Unmetered APIs, once a 429 said how long a window lasts: the spacing between request starts. */
	private spacingMs = 0;

	/** The length of the window the first 429 revealed. */
	private windowMs = 0;

	private nextStartAt = 0;

	/**
	 * Unmetered APIs: requests are counted per phase (a phase ends at a 429), so the first 429 can
	 * learn how many requests of its phase the window let through, once their answers are in.
	 */
	private phase = 0;

	private readonly acceptedInPhase = new Map<number, number>();

	private readonly openInPhase = new Map<number, number>();

	/** After the first 429 of an unmetered API: the phase whose accepted requests fill one window of `windowMs`. */
	private learning: { phase: number; windowMs: number } | undefined;


	private inFlight = 0;

	private readonly queue: Waiter[] = [];

	/** The pending wake-up (when a window resets or a block ends), and when it fires. */
	private timer: { controller: AbortController; at: number } | undefined;

	/** Waits for a slot; the ticket goes back with release(). */
	async acquire(signal?: AbortSignal): Promise<number> {
		if (signal?.aborted) throw new WaitAbortedError(signal.reason);
		const now = Date.now();
		if (this.queue.length === 0 && this.isFree(now)) {
			this.take(now);
			return this.phase;
		}
		await new Promise<void>((resolve, reject) => {
			const waiter: Waiter = { resolve, reject, signal };
			if (signal) {
				waiter.onAbort = () => {
					const at = this.queue.indexOf(waiter);
					if (at !== -1) this.queue.splice(at, 1);
					reject(new WaitAbortedError(signal.reason));
					this.pump();
				};
				signal.addEventListener('abort', waiter.onAbort, { once: true });
			}
			this.queue.push(waiter);
			this.pump();
		});
		return this.phase;
	}

	/** Records what an answer says about the budget. `headers` undefined = no answer arrived. */
	release(ticket: number, headers?: Record<string, string>, status?: number, retryAfter?: number): void {
		this.learn(ticket, headers, status, retryAfter);
		this.pump();
	}

	private learn(ticket: number, headers: Record<string, string> | undefined, status: number | undefined, retryAfter: number | undefined): void {
		const inFlightBefore = this.inFlight;
		this.inFlight = Math.max(0, this.inFlight - 1);
		this.openInPhase.set(ticket, Math.max(0, (this.openInPhase.get(ticket) ?? 1) - 1));
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
				if (retryAfter === undefined) {
					// No hint how long a window lasts: back off by halving the width.
					this.window = Math.max(1, Math.floor(Math.min(this.window, inFlightBefore) / 2));
				} else if (this.spacingMs === 0 && !this.learning) {
					// The requests this phase let through fill one window that reopens after Retry-After; once
					// their answers are in, requests are spread over such windows (see pace()).
					this.learning = { phase: ticket, windowMs: retryAfter || 1000 };
				} else if (this.spacingMs > 0 && ticket === this.phase) {
					this.spacingMs *= 1.03;
				}
				if (ticket === this.phase) this.phase++;
				this.blockedUntil = Math.max(this.blockedUntil, until);
			}
			return;
		}
		if (this.spacingMs === 0 && status !== undefined && status < 400) this.acceptedInPhase.set(ticket, (this.acceptedInPhase.get(ticket) ?? 0) + 1);
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

	private isFree(now: number): boolean {
		if (this.resetAt && now >= this.resetAt) {
			// A new window: assume the full budget until an answer says otherwise.
			this.remaining = this.limit;
			this.resetAt = 0;
		}
		if (this.metered === undefined || (this.metered && this.remaining === undefined)) return this.inFlight === 0;
		if (this.metered) return (this.remaining ?? 0) - this.inFlight > 0;
		if (now < this.blockedUntil) return false;
		if (this.learning) {
			// Every request of the phase must have its answer before the window's count is known (a
			// straggler is waited for one more window at most).
			const open = this.openInPhase.get(this.learning.phase) ?? 0;
			if (open > 0 && now < this.blockedUntil + this.learning.windowMs) return false;
			this.pace();
		}
		if (this.spacingMs > 0) return now >= this.nextStartAt;
		return this.inFlight < Math.max(1, Math.floor(this.window));
	}

	/**
	 * Learns the spacing from the first 429: the window let through the requests of its phase, so
	 * from now on requests start that window's length / that many apart (3 % wider, as arrivals
	 * jitter) instead of bursting into a refusal every window — whole-second Retry-Afters make each
	 * refusal cost up to a second.
	 */
	private pace(): void {
		const accepted = this.acceptedInPhase.get(this.learning!.phase) ?? 0;
		this.spacingMs = (this.learning!.windowMs / Math.max(1, accepted)) * 1.03;
		this.windowMs = this.learning!.windowMs;
		this.learning = undefined;
		this.acceptedInPhase.clear();
		this.openInPhase.clear();
	}

	/** Takes a slot: one more in flight, and the next paced start moves on. */
	private take(now: number): void {
		this.inFlight++;
		if (this.metered === false && this.spacingMs === 0) this.openInPhase.set(this.phase, (this.openInPhase.get(this.phase) ?? 0) + 1);
		if (this.spacingMs === 0) return;
		// From the planned start, not the actual one, so timer lateness does not add up; but a late start
		// catches up by at most the window's 3 % slack share: a window that opens at a late start must
		// still not hold one request too many (a busy event loop is late by tens of milliseconds).
		const catchUpMs = Math.min(this.spacingMs, this.windowMs * CATCH_UP_SHARE);
		this.nextStartAt = Math.max(this.nextStartAt, now - catchUpMs, this.blockedUntil) + this.spacingMs;
	}

	/** Lets queued requests through while there is room; otherwise sleeps until room is due. */
	private pump(): void {
		const now = Date.now();
		while (this.queue.length > 0 && this.isFree(now)) {
			const waiter = this.queue.shift()!;
			if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
			this.take(now);
			waiter.resolve();
		}
		if (this.queue.length === 0) {
			this.timer?.controller.abort();
			this.timer = undefined;
			return;
		}
		// Blocked. An answer in flight will pump again; a known reset, block end or paced start gets a timer.
		let until = Math.max(this.resetAt || this.blockedUntil, this.metered ? 0 : this.nextStartAt);
		if (until <= now && this.learning) until = this.blockedUntil + this.learning.windowMs;
		if (until > now) this.wakeAt(until + 1);
		else if (this.inFlight === 0) this.wakeAt(now + UNKNOWN_RESET_MS, () => (this.remaining = undefined));
	}

	private wakeAt(at: number, onWake?: () => void): void {
		if (this.timer && this.timer.at <= at) return;
		this.timer?.controller.abort();
		const controller = new AbortController();
		this.timer = { controller, at };
		void waitFor(at - Date.now(), controller.signal).then(
			() => {
				if (this.timer?.controller !== controller) return;
				this.timer = undefined;
				onWake?.();
				this.pump();
			},
			// Aborted: a sooner wake-up replaced it, or nothing waits any more.
			() => undefined,
		);
	}
}
