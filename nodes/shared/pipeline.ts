export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Not started because an earlier task failed and the run was told to stop on errors. */
export class SkippedError extends Error {
	constructor() {
		super('Not processed because an earlier item failed');
		this.name = 'SkippedError';
	}
}

/**
 * Runs `task` for indices 0..count-1 with at most `concurrency` running at once and returns every
 * outcome in input order. Tasks start in index order. With `stopOnError`, no new task starts after
 * the first failure (running ones finish); the rest settle as SkippedError.
 */
export async function mapConcurrent<T>(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
	options: { stopOnError?: boolean; signal?: AbortSignal } = {},
): Promise<Array<Settled<T>>> {
	const results: Array<Settled<T>> = new Array(count);
	let next = 0;
	let stopped = false;

	const worker = async () => {
		while (next < count) {
			const index = next++;
			if (stopped || options.signal?.aborted) {
				results[index] = { ok: false, error: new SkippedError() };
				continue;
			}
			try {
				results[index] = { ok: true, value: await task(index) };
			} catch (error) {
				results[index] = { ok: false, error };
				if (options.stopOnError) stopped = true;
			}
		}
	};

	const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: width }, worker));
	return results;
}

/** At most `limit` holders at once; the others wait in arrival order. */
export class Semaphore {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
		try {
			return await work();
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		}
	}
}
