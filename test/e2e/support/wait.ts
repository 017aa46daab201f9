export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface WaitOptions {
	/** Upper bound for the whole wait (required in spirit: every wait is bounded). Default 15 s. */
	timeoutMs?: number;
	/** Pause between attempts. Default 100 ms. */
	intervalMs?: number;
	/** Used in the timeout error. */
	description?: string;
}

/**
 * Calls `check` until it returns a value other than undefined/null/false, or throws when `timeoutMs` is over.
 * Exceptions thrown by `check` count as "not yet" (the last one is reported on timeout).
 */
export async function waitUntil<T>(
	check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
	{ timeoutMs = 15_000, intervalMs = 100, description = 'condition' }: WaitOptions = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	let attempts = 0;
	for (;;) {
		attempts++;
		try {
			const value = await check();
			if (value !== undefined && value !== null && value !== false) return value as T;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
			throw new Error(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${description}${why}`);
		}
		await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
	}
}

/**
 * Settles as `promise` does, or with `fallback` once `ms` have passed; the timer is cleared either way and never
 * keeps the process alive.
 */
export async function raceTimeout<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<F>((resolve) => {
		timer = setTimeout(() => resolve(fallback), ms);
		timer.unref();
	});
	try {
		return await Promise.race([promise, timedOut]);
	} finally {
		clearTimeout(timer);
	}
}

/** Rejects after `ms` with a clear message; the timer never keeps the process alive. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, description: string): Promise<T> {
	const timedOut = Symbol('timed out');
	const result = await raceTimeout(promise, ms, timedOut);
	if (result === timedOut) throw new Error(`timed out after ${ms} ms: ${description}`);
	return result;
}
