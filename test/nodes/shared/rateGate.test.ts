import { RateGate } from '../../../nodes/shared/rateGate';

/** How many of `tries` acquire() calls the gate grants without waiting; the others are cancelled. Returns their tickets. */
async function immediateSlots(gate: RateGate, tries: number): Promise<number[]> {
	const cancel = new AbortController();
	const tickets: number[] = [];
	const pending = Array.from({ length: tries }, async () => tickets.push(await gate.acquire(cancel.signal)));
	await new Promise((resolve) => setImmediate(resolve));
	cancel.abort();
	await Promise.allSettled(pending);
	return tickets;
}

const BUDGET = (remaining: number, resetSeconds: number) => ({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetSeconds) });

describe('RateGate', () => {
	it('probes with one request until the first answer shows whether the API reports its budget', async () => {
		expect(await immediateSlots(new RateGate(), 3)).toHaveLength(1);
	});

	it('with budget headers, lets through as many requests as remain in the window', async () => {
		const gate = new RateGate();
		gate.release(await gate.acquire(), BUDGET(4, 60), 200);
		expect(await immediateSlots(gate, 10)).toHaveLength(4);
	});

	it('holds everything after a metered 429 until Retry-After has passed', async () => {
		const gate = new RateGate();
		gate.release(await gate.acquire(), BUDGET(4, 0.05), 200);
		gate.release(await gate.acquire(), { 'x-ratelimit-remaining': '0' }, 429, 150);
		const started = Date.now();
		await gate.acquire();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('lets queued requests through in arrival order', async () => {
		const gate = new RateGate();
		const first = await gate.acquire();
		const order: number[] = [];
		const queued = [1, 2, 3].map(async (n) => {
			await gate.acquire();
			order.push(n);
		});
		gate.release(first, BUDGET(10, 60), 200);
		await Promise.all(queued);
		expect(order).toEqual([1, 2, 3]);
	});

	it('without budget headers, widens fast until the first 429, waits for its Retry-After, then spaces requests to fit the window', async () => {
		const gate = new RateGate();
		gate.release(await gate.acquire(), {}, 200);
		const two = await immediateSlots(gate, 10);
		expect(two).toHaveLength(2);
		for (const ticket of two) gate.release(ticket, {}, 200);
		const four = await immediateSlots(gate, 10);
		expect(four).toHaveLength(4);
		// Three of the four are let through, the fourth is refused: the window reopens in 120 ms.
		for (const ticket of four.slice(0, 3)) gate.release(ticket, {}, 200);
		gate.release(four[3], {}, 429, 120);
		const started = Date.now();
		expect(await immediateSlots(gate, 10)).toHaveLength(0);
		const next = await gate.acquire();
		const first = Date.now();
		expect(first - started).toBeGreaterThanOrEqual(110);
		gate.release(next, {}, 200);
		await gate.acquire();
		// The phase let 1 + 2 + 3 = 6 requests through in a 120 ms window: about 20 ms apart, not a burst into the next refusal.
		expect(Date.now() - first).toBeGreaterThanOrEqual(15);
	});

	it('without budget headers or Retry-After, a 429 halves the width', async () => {
		const gate = new RateGate();
		gate.release(await gate.acquire(), {}, 200);
		const two = await immediateSlots(gate, 10);
		expect(two).toHaveLength(2);
		gate.release(two[0], {}, 200);
		gate.release(two[1], {}, 429);
		const started = Date.now();
		await gate.acquire();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(await immediateSlots(gate, 10)).toHaveLength(0);
	});

	it('a request that got no answer only frees its slot', async () => {
		const gate = new RateGate();
		gate.release(await gate.acquire());
		expect(await immediateSlots(gate, 3)).toHaveLength(1);
	});
});

describe('RateGate pacing an API without budget headers (fake clock)', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/** A gate whose first 429 (Retry-After 1 s) came after 20 accepted requests: it spaces starts 51.5 ms apart. */
	async function pacedGate(): Promise<RateGate> {
		const gate = new RateGate();
		for (let i = 0; i < 20; i++) gate.release(await gate.acquire(), {}, 200);
		gate.release(await gate.acquire(), {}, 429, 1000);
		return gate;
	}

	/** Grants `count` queued requests (each answered 200 at once); `lateAt` simulates an event loop that stalls 300 ms at that grant. */
	async function grantTimes(gate: RateGate, count: number, lateAt?: number): Promise<number[]> {
		const times: number[] = [];
		const all = Array.from({ length: count }, async () => {
			const ticket = await gate.acquire();
			times.push(Date.now());
			gate.release(ticket, {}, 200);
		});
		let stalled = false;
		for (let step = 0; step < 2000 && times.length < count; step++) {
			if (times.length === lateAt && !stalled) {
				stalled = true;
				jest.setSystemTime(Date.now() + 300);
			}
			await jest.advanceTimersByTimeAsync(10);
		}
		expect(times).toHaveLength(count);
		await Promise.all(all);
		return times;
	}

	it('a start after a stalled event loop catches up without putting one request too many into a window', async () => {
		const times = await grantTimes(await pacedGate(), 60, 25);
		expect(times).toHaveLength(60);
		const mostInOneSecond = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
		expect(mostInOneSecond).toBeLessThanOrEqual(20);
	});

});
