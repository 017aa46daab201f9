import { backoffMs, neverSent, retryAfterMs, RetryBudget, type RetryPolicy } from '../../../nodes/shared/retry';

describe('retryAfterMs', () => {
	it('reads seconds, decimals, milliseconds and HTTP dates', () => {
		expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
		expect(retryAfterMs({ 'retry-after': '0.25' })).toBe(250);
		expect(retryAfterMs({ 'retry-after-ms': '40', 'retry-after': '9' })).toBe(40);
		expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
		expect(retryAfterMs({})).toBeUndefined();
	});

	it('ignores an unusable retry-after-ms (negative, not a number) and an empty Retry-After', () => {
		expect(retryAfterMs({ 'retry-after-ms': '-5', 'retry-after': '3' })).toBe(3000);
		expect(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '3' })).toBe(3000);
		expect(retryAfterMs({ 'retry-after-ms': '0' })).toBe(0);
		expect(retryAfterMs({ 'retry-after': '' })).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': 'not a date' })).toBeUndefined();
	});
});


const policy: RetryPolicy = { maxRetries: 2, maxRateLimitRetries: 3, baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 5000 };

describe('backoffMs', () => {
	it('doubles from the base delay up to the cap, with at most 25 % jitter taken off', () => {
		for (const [retry, full] of [[1, 100], [2, 200], [3, 400], [6, 400]]) {
			const delay = backoffMs(retry, policy);
			expect(delay).toBeLessThanOrEqual(full);
			expect(delay).toBeGreaterThanOrEqual(full * 0.75);
		}
	});
});

describe('neverSent', () => {
	it('is true only for errors raised before the request left this machine', () => {
		for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) expect(neverSent(code)).toBe(true);
		expect(neverSent('ECONNRESET')).toBe(false);
		expect(neverSent('ETIMEDOUT')).toBe(false);
	});
});

describe('RetryBudget', () => {
	it('repeats a 429 after its Retry-After, even for a submission, up to the rate-limit budget', () => {
		const budget = new RetryBudget(policy);
		expect(budget.afterStatus(429, false, 3000)).toBe(3000);
		expect(budget.afterStatus(429, false, 2500)).toBe(2500);
		expect(budget.afterStatus(429, false, undefined)).toBeGreaterThanOrEqual(300);
		expect(budget.afterStatus(429, false, 10)).toBeUndefined();
	});

	it('gives up on a 429 whose Retry-After is longer than it may wait, and waits one exactly that long', () => {
		expect(new RetryBudget(policy).afterStatus(429, true, 6000)).toBeUndefined();
		expect(new RetryBudget(policy).afterStatus(429, true, 5000)).toBe(5000);
	});

	it('repeats a request that got no answer only while the budget lasts, and only when that is safe', () => {
		const budget = new RetryBudget(policy);
		expect(budget.afterNetworkError(false)).toBeUndefined();
		expect(budget.afterNetworkError(true)).toBeDefined();
		expect(budget.afterNetworkError(true)).toBeDefined();
		expect(budget.afterNetworkError(true)).toBeUndefined();
	});

	it('repeats retryable statuses only for idempotent requests, honouring Retry-After up to the cap', () => {
		const budget = new RetryBudget(policy);
		expect(budget.afterStatus(502, false, undefined)).toBeUndefined();
		expect(budget.afterStatus(400, true, undefined)).toBeUndefined();
		expect(budget.afterStatus(503, true, 9000)).toBe(5000);
		expect(budget.afterStatus(500, true, undefined)).toBeLessThanOrEqual(200);
		expect(budget.afterStatus(500, true, undefined)).toBeUndefined();
	});

	it('shares one budget between network errors, unreadable answers and server errors', () => {
		const budget = new RetryBudget(policy);
		expect(budget.afterNetworkError(true)).toBeDefined();
		expect(budget.afterUnreadable(true)).toBeDefined();
		expect(budget.afterStatus(503, true, undefined)).toBeUndefined();
		expect(new RetryBudget(policy).afterNetworkError(false)).toBeUndefined();
		expect(new RetryBudget(policy).afterUnreadable(false)).toBeUndefined();
	});
});
