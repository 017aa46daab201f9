import { BatchPoller, listThenFetchChecker, STILL_RUNNING, nextPollDelay, pollUntil, PollTimeoutError, type JobOutcome, type PollSchedule } from '../../../nodes/shared/poll';
import { WaitAbortedError } from '../../../nodes/shared/wait';

const fast: PollSchedule = { firstDelayMs: 20, minIntervalMs: 10, growth: 0.15, maxIntervalMs: 100 };

describe('nextPollDelay', () => {
	it('grows with the time waited, between the floor and the cap', () => {
		expect(nextPollDelay(1000)).toBe(400);
		expect(nextPollDelay(10_000)).toBe(1200);
		expect(nextPollDelay(60_000)).toBe(7200);
		expect(nextPollDelay(600_000)).toBe(15_000);
	});

	it('leaves room within max(0.5 s, 15 % of the wait) for the results request', () => {
		for (const elapsed of [100, 1000, 3000, 20_000, 90_000]) {
			expect(nextPollDelay(elapsed)).toBeLessThanOrEqual(0.8 * Math.max(500, 0.15 * elapsed));
		}
	});
});

describe('pollUntil', () => {
	it('checks until done and returns the value', async () => {
		let checks = 0;
		const value = await pollUntil(async () => (++checks === 3 ? { done: true, value: 'ok' } : { done: false }), {
			timeoutMs: 2000,
			schedule: fast,
		});
		expect(value).toBe('ok');
		expect(checks).toBe(3);
	});

	it('honours a longer retry hint from the API', async () => {
		const times: number[] = [];
		await pollUntil(
			async () => {
				times.push(Date.now());
				return times.length === 2 ? { done: true, value: 1 } : { done: false, retryAfterMs: 150 };
			},
			{ timeoutMs: 2000, schedule: fast, checkFirst: true },
		);
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(140);
	});

	it('gives up at the deadline', async () => {
		await expect(pollUntil(async () => ({ done: false }), { timeoutMs: 120, schedule: fast })).rejects.toBeInstanceOf(PollTimeoutError);
	});

	it('stops when cancelled', async () => {
		const controller = new AbortController();
		// Cancel from the first check; the immediate fires after pollUntil has started its next wait.
		const check = async () => {
			setImmediate(() => controller.abort());
			return { done: false as const };
		};
		const started = Date.now();
		await expect(pollUntil(check, { timeoutMs: 10_000, schedule: fast, signal: controller.signal })).rejects.toBeInstanceOf(WaitAbortedError);
		expect(Date.now() - started).toBeLessThan(500);
	});
});

describe('BatchPoller', () => {
	it('checks all outstanding jobs in one call per tick and settles each', async () => {
		const readyAt = new Map([['a', 40], ['b', 80], ['c', 120]]);
		const start = Date.now();
		const calls: string[][] = [];
		const poller = new BatchPoller<string, string>(async (due, others) => {
			calls.push([...due, ...others].sort());
			const outcomes = new Map<string, JobOutcome<string>>();
			for (const job of [...due, ...others]) if (Date.now() - start >= readyAt.get(job)!) outcomes.set(job, { done: true, value: `${job}!` });
			return outcomes;
		}, { schedule: fast });
		const results = await Promise.all(['a', 'b', 'c'].map((job) => poller.track(job, { timeoutMs: 2000, submittedAt: start })));
		poller.dispose();
		expect(results).toEqual(['a!', 'b!', 'c!']);
		// One call per tick covering every pending job, not one loop per job.
		expect(calls[0]).toEqual(['a', 'b', 'c']);
		expect(calls.length).toBeLessThan(20);
	});

	it('wakes early for a newly added job that is due sooner', async () => {
		const poller = new BatchPoller<string, number>(async (due) => new Map(due.filter((j) => j === 'new').map((j) => [j, { done: true, value: 1 }])), {
			schedule: { firstDelayMs: 5000, minIntervalMs: 5000, growth: 0, maxIntervalMs: 5000 },
		});
		const slow = poller.track('slow', { timeoutMs: 60_000 });
		slow.catch(() => undefined);
		const started = Date.now();
		await poller.track('new', { timeoutMs: 60_000, firstCheckAt: Date.now() + 30 });
		expect(Date.now() - started).toBeLessThan(1000);
		poller.dispose();
	});

	it('fails a job with its own error, and after repeated failed checks', async () => {
		let calls = 0;
		const poller = new BatchPoller<string, number>(async (due) => {
			calls++;
			if (due.includes('boom')) throw new Error('network down');
			return new Map(due.map((j) => [j, { done: false, error: new Error(`${j} failed`) }]));
		}, { schedule: fast });
		await expect(poller.track('bad', { timeoutMs: 2000 })).rejects.toThrow('bad failed');
		await expect(poller.track('boom', { timeoutMs: 2000 })).rejects.toThrow('network down');
		expect(calls).toBe(4);
		poller.dispose();
	});

	it('a job whose own check keeps failing is given up alone; the others still finish', async () => {
		const start = Date.now();
		const poller = new BatchPoller<string, string>(async (due, others) => {
			const outcomes = new Map<string, JobOutcome<string>>();
			for (const job of [...due, ...others]) {
				if (job === 'broken') outcomes.set(job, { done: false, error: new Error('unreadable answer'), retryable: true });
				else if (Date.now() - start > 60) outcomes.set(job, { done: true, value: job });
			}
			return outcomes;
		}, { schedule: fast });
		const [broken, ok1, ok2] = await Promise.allSettled(['broken', 'ok1', 'ok2'].map((j) => poller.track(j, { timeoutMs: 5000, submittedAt: start })));
		poller.dispose();
		expect(broken).toEqual({ status: 'rejected', reason: new Error('unreadable answer') });
		expect([ok1, ok2]).toEqual([{ status: 'fulfilled', value: 'ok1' }, { status: 'fulfilled', value: 'ok2' }]);
	});

	it('times out a job that never finishes, with the custom error', async () => {
		const poller = new BatchPoller<string, number>(async () => new Map(), {
			schedule: fast,
			timeoutError: (job, waited) => new Error(`${job} after ${waited >= 100 ? '100+' : waited} ms`),
		});
		await expect(poller.track('late', { timeoutMs: 100 })).rejects.toThrow('late after 100+ ms');
		poller.dispose();
	});

	it('rejects every pending job at once when the execution is cancelled', async () => {
		const controller = new AbortController();
		// Cancel from the first check; the immediate fires after the poller has started waiting for its next tick.
		const poller = new BatchPoller<string, number>(
			async () => {
				setImmediate(() => controller.abort());
				return new Map();
			},
			{ schedule: fast, signal: controller.signal },
		);
		const pending = [poller.track('a', { timeoutMs: 60_000 }), poller.track('b', { timeoutMs: 60_000 })];
		const started = Date.now();
		await expect(Promise.all(pending)).rejects.toBeInstanceOf(WaitAbortedError);
		expect(Date.now() - started).toBeLessThan(500);
		poller.dispose();
	});
});

describe('listThenFetchChecker', () => {
	interface Job {
		id: string;
		group: string;
	}
	const job = (id: string, group = 'g1'): Job => ({ id, group });

	function checker(state: Record<string, 'running' | 'done' | 'broken'>, listed: (id: string) => boolean = () => true) {
		const calls: string[] = [];
		const check = listThenFetchChecker<Job, string>({
			groupOf: (j) => ({ key: j.group, threshold: 3 }),
			listStatuses: async (key, jobs) => {
				calls.push(`list ${key} (${jobs.length})`);
				return (j) => (listed(j.id) ? state[j.id] !== 'running' : undefined);
			},
			fetch: async (j) => {
				calls.push(`fetch ${j.id}`);
				if (state[j.id] === 'broken') throw new Error(`${j.id} unreadable`);
				return state[j.id] === 'done' ? { done: true, value: `${j.id}!` } : undefined;
			},
			fetchConcurrency: 2,
		});
		return { check, calls };
	}

	it('lists a large group once, fetches only the finished jobs, and reports the others as running', async () => {
		const jobs = [job('a'), job('b'), job('c'), job('d')];
		const { check, calls } = checker({ a: 'done', b: 'running', c: 'done', d: 'running' });
		const outcomes = await check([jobs[0]], jobs.slice(1));
		expect(calls).toEqual(['list g1 (4)', 'fetch a', 'fetch c']);
		expect([...outcomes.entries()].map(([j, o]) => [j.id, o]).sort()).toEqual([
			['a', { done: true, value: 'a!' }],
			['b', STILL_RUNNING],
			['c', { done: true, value: 'c!' }],
			['d', STILL_RUNNING],
		]);
	});

	it('asks small groups job by job, only for due jobs', async () => {
		const jobs = [job('a', 'small'), job('b', 'small')];
		const { check, calls } = checker({ a: 'done', b: 'done' });
		await check([jobs[0]], [jobs[1]]);
		expect(calls).toEqual(['fetch a']);
	});

	it('fetches due jobs the list does not show, and reports a failed fetch for that job only', async () => {
		const jobs = [job('a'), job('b'), job('c')];
		const { check, calls } = checker({ a: 'broken', b: 'done', c: 'running' }, (id) => id !== 'c');
		const outcomes = await check(jobs, []);
		expect(calls).toEqual(['list g1 (3)', 'fetch a', 'fetch b', 'fetch c']);
		const a = outcomes.get(jobs[0]) as { done: false; error: Error; retryable: boolean };
		expect([a.error.message, a.retryable]).toEqual(['a unreadable', true]);
		expect(outcomes.get(jobs[1])).toEqual({ done: true, value: 'b!' });
		expect(outcomes.get(jobs[2])).toEqual(STILL_RUNNING);
	});
});

describe('BatchPoller with a list-based checker', () => {
	it('puts jobs a list call saw running on one cadence, so later list calls serve them all', async () => {
		const schedule: PollSchedule = { firstDelayMs: 30, minIntervalMs: 60, growth: 0, maxIntervalMs: 60 };
		const calls: string[][] = [];
		const start = Date.now();
		const poller = new BatchPoller<string, string>(
			async (due, others) => {
				calls.push(due);
				const done = Date.now() >= start + 200;
				return new Map([...due, ...others].map((id) => [id, done ? { done: true, value: id } : STILL_RUNNING]));
			},
			{ schedule },
		);
		// Ten jobs whose first looks would fall 15 ms apart: alone, most would get a list call of their own.
		const results = Array.from({ length: 10 }, (_, i) => poller.track(`j${i}`, { timeoutMs: 5000, submittedAt: start, firstCheckAt: start + 30 + i * 15 }));
		expect(await Promise.all(results)).toEqual(Array.from({ length: 10 }, (_, i) => `j${i}`));
		poller.dispose();
		// The first call sees every job running and reschedules them together: from then on one call serves all ten.
		expect(calls.slice(1).map((due) => due.length)).toEqual(calls.slice(1).map(() => 10));
		expect(calls.length).toBeLessThanOrEqual(5);
	});
});
