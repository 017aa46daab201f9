import { mapConcurrent, SkippedError } from '../../../nodes/shared/pipeline';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrent', () => {
	it('keeps input order and never exceeds the concurrency', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapConcurrent(20, 4, async (i) => {
			running++;
			peak = Math.max(peak, running);
			for (let t = 0; t < (20 - i) % 5; t++) await tick();
			running--;
			return i * 2;
		});
		expect(peak).toBe(4);
		expect(results.map((r) => (r.ok ? r.value : null))).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
	});

	it('settles failures per index and finishes the rest', async () => {
		const results = await mapConcurrent(5, 2, async (i) => {
			if (i === 1) throw new Error('bad 1');
			return i;
		});
		expect(results.map((r) => r.ok)).toEqual([true, false, true, true, true]);
		expect((results[1] as { error: Error }).error.message).toBe('bad 1');
	});

	it('with stopOnError starts nothing new after the first failure', async () => {
		const started: number[] = [];
		const results = await mapConcurrent(
			6,
			1,
			async (i) => {
				started.push(i);
				if (i === 2) throw new Error('stop');
				return i;
			},
			{ stopOnError: true },
		);
		expect(started).toEqual([0, 1, 2]);
		expect(results.slice(3).every((r) => !r.ok && r.error instanceof SkippedError)).toBe(true);
	});

	it('skips everything once the signal is aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const results = await mapConcurrent(3, 3, async () => 1, { signal: controller.signal });
		expect(results.every((r) => !r.ok)).toBe(true);
	});

	it('handles zero items', async () => {
		expect(await mapConcurrent(0, 5, async () => 1)).toEqual([]);
	});
});
