import { RateGate } from '../../../nodes/shared/rateGate';

/** How many of `tries` acquire() calls the gate grants without waiting; the others are cancelled. */
async function immediateSlots(gate: RateGate, tries: number): Promise<number> {
	const cancel = new AbortController();
	let granted = 0;
	const pending = Array.from({ length: tries }, async () => {
		await gate.acquire(cancel.signal);
		granted++;
	});
	await new Promise((resolve) => setImmediate(resolve));
	cancel.abort();
	await Promise.allSettled(pending);
	return granted;
}

describe('RateGate', () => {
	it('probes with one request until the first answer shows whether the API reports its budget', async () => {
		expect(await immediateSlots(new RateGate(), 3)).toBe(1);
	});

	it('with budget headers, lets through as many requests as remain in the window', async () => {
		const gate = new RateGate();
		await gate.acquire();
		gate.release({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '60' }, 200);
		expect(await immediateSlots(gate, 10)).toBe(4);
	});

	it('holds everything after a metered 429 until Retry-After has passed', async () => {
		const gate = new RateGate();
		await gate.acquire();
		gate.release({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '0.05' }, 200);
		await gate.acquire();
		gate.release({ 'x-ratelimit-remaining': '0' }, 429, 150);
		const started = Date.now();
		await gate.acquire();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('without budget headers, widens fast until the first 429, then halves and waits for Retry-After', async () => {
		const gate = new RateGate();
		await gate.acquire();
		gate.release({}, 200);
		expect(await immediateSlots(gate, 10)).toBe(2);
		for (let i = 0; i < 2; i++) gate.release({}, 200);
		expect(await immediateSlots(gate, 10)).toBe(4);
		// Four in flight; one answers 429: the window halves to two, and nothing starts before Retry-After.
		gate.release({}, 429, 120);
		for (let i = 0; i < 3; i++) gate.release();
		const started = Date.now();
		expect(await immediateSlots(gate, 10)).toBe(0);
		await gate.acquire();
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
		expect(await immediateSlots(gate, 10)).toBe(1);
	});

	it('a request that got no answer only frees its slot', async () => {
		const gate = new RateGate();
		await gate.acquire();
		gate.release();
		expect(await immediateSlots(gate, 3)).toBe(1);
	});
});
