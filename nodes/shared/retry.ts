/** How a vendor's requests are retried. */
export interface RetryPolicy {
	/** Extra attempts for requests that are safe to repeat (reads, deletes) and for requests never sent. */
	maxRetries: number;
	/** Extra attempts after 429 answers; always safe, the API did not accept the request. */
	maxRateLimitRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Longest Retry-After we honour before giving up with an error. */
	maxRetryAfterMs: number;
}

/** Network errors where the request provably never reached the server, so even a POST may be resent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** True when the network error means the request never left this machine. */
export function neverSent(networkCode: string): boolean {
	return NOT_SENT_CODES.has(networkCode);
}

/** Retry-After / retry-after-ms in milliseconds (seconds, decimals or an HTTP date). */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
	const ms = Number(headers['retry-after-ms']);
	if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
	const raw = headers['retry-after'];
	if (raw === undefined || raw === '') return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(raw);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential back-off with up to 25 % jitter taken off, as the anyformat SDKs do. */
export function backoffMs(retry: number, policy: RetryPolicy): number {
	const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
	return raw * (1 - Math.random() * 0.25);
}

/**
 * Counts one request's retries and says whether (and after how long) to send it again. A 429 is
 * always safe to repeat (the API refused it); other failures only for idempotent requests or ones
 * that never left this machine.
 */
export class RetryBudget {
	private rateLimitRetries = 0;

	private otherRetries = 0;

	constructor(private readonly policy: RetryPolicy) {}

	/** After no answer arrived. */
	afterNetworkError(repeatable: boolean): number | undefined {
		return repeatable ? this.other() : undefined;
	}

	/** After a 2xx whose body could not be read. */
	afterUnreadable(idempotent: boolean): number | undefined {
		return idempotent ? this.other() : undefined;
	}

	/** After an error status; `hint` is the answer's Retry-After. */
	afterStatus(status: number, idempotent: boolean, hint: number | undefined): number | undefined {
		if (status === 429) {
			if (this.rateLimitRetries >= this.policy.maxRateLimitRetries) return undefined;
			this.rateLimitRetries++;
			const delay = hint ?? backoffMs(this.rateLimitRetries, this.policy);
			return delay <= this.policy.maxRetryAfterMs ? delay : undefined;
		}
		if (!idempotent || !RETRYABLE_STATUS.has(status) || this.otherRetries >= this.policy.maxRetries) return undefined;
		this.otherRetries++;
		return Math.min(hint ?? backoffMs(this.otherRetries, this.policy), this.policy.maxRetryAfterMs);
	}

	private other(): number | undefined {
		if (this.otherRetries >= this.policy.maxRetries) return undefined;
		this.otherRetries++;
		return backoffMs(this.otherRetries, this.policy);
	}
}
