import * as n8nWorkflow from 'n8n-workflow';

// n8n-workflow is a peer dependency: at run time this is the host n8n's copy. Hosts differ:
// n8n-workflow 1.100 – 2.8 export `sleepWithAbort(ms, signal)` next to a `sleep(ms)`; 2.41 (the
// version this package is built and tested against) exports only `sleep(ms, signal)`; 1.82 and
// older have `sleep(ms)` alone, which ignores a signal. Feature-detect instead of pinning a version.
const host = n8nWorkflow as unknown as {
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	sleepWithAbort?: (ms: number, signal: AbortSignal) => Promise<void>;
};

/** Thrown when the execution is cancelled while waiting. */
export class WaitAbortedError extends Error {
	constructor(reason?: unknown) {
		super(reason instanceof Error ? reason.message : 'The execution was cancelled');
		this.name = 'WaitAbortedError';
	}
}

export function isAbortError(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	return (
		error instanceof WaitAbortedError ||
		error.name === 'AbortError' ||
		error.name === 'CanceledError' ||
		(error as { code?: string }).code === 'ERR_CANCELED'
	);
}

/** Resolves after `ms`, or rejects with WaitAbortedError as soon as `signal` aborts. */
export async function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
	const delay = Math.max(0, Math.round(ms));
	if (!signal) return await host.sleep(delay);
	if (signal.aborted) throw new WaitAbortedError(signal.reason);

	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(new WaitAbortedError(signal.reason));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	// Hosts reject their abortable sleep with the signal's own reason; report one error type.
	const sleeping = (host.sleepWithAbort ? host.sleepWithAbort(delay, signal) : host.sleep(delay, signal)).then(
		() => undefined,
		async (error: unknown) => await Promise.reject(signal.aborted ? new WaitAbortedError(signal.reason) : error),
	);
	try {
		// Racing covers hosts whose sleep ignores the signal: we return at once; their timer just runs out.
		await Promise.race([sleeping, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort!);
		sleeping.catch(() => {});
		aborted.catch(() => {});
	}
}

/** A signal that fires when any of the given ones does (undefined entries are skipped). */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
	const present = signals.filter((s): s is AbortSignal => s !== undefined);
	if (present.length <= 1) return present[0];
	return AbortSignal.any(present);
}
