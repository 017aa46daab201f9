import type { IExecuteFunctions } from 'n8n-workflow';

import { SubmissionLedger } from './ledger';
import { mapConcurrent, SkippedError, type Settled } from './pipeline';
import { BatchPoller, type JobChecker, type PollSchedule } from './poll';

export interface DocumentBatchTools<J, R> {
	ledger: SubmissionLedger;
	/** Present when the batch was given a checker: waits on submitted jobs, all together. */
	poller?: BatchPoller<J, R>;
	signal?: AbortSignal;
}

/**
 * Runs one node execution's documents as a pipeline. First every item is prepared (parameters
 * read, files checked) without any API call, so bad input never costs a submission; with
 * `stopOnError` one bad item stops the run before anything is sent, and a later failure stops
 * every submission not yet sent. Then up to `maxInFlight` documents (default: all of them; the
 * ledger bounds uploads on the wire and the rate gate paces them) are between submission and
 * result at once, all outstanding jobs are checked together by one poller, and outcomes come back
 * in input order. maxInFlight = 1 is submit-wait-next.
 */
export async function runDocumentBatch<P, J, R, O>(
	ctx: IExecuteFunctions,
	spec: {
		itemCount: number;
		maxInFlight?: number;
		stopOnError: boolean;
		prepare: (itemIndex: number) => Promise<P>;
		/** How to check submitted jobs; without it nothing is waited on (e.g. uploads that start no job). */
		checker?: JobChecker<J, R>;
		schedule?: PollSchedule;
		timeoutError?: (job: J, waitedMs: number) => Error;
		process: (prepared: P, itemIndex: number, tools: DocumentBatchTools<J, R>) => Promise<O>;
	},
): Promise<Array<Settled<O>>> {
	const prepared: Array<Settled<P>> = [];
	for (let i = 0; i < spec.itemCount; i++) {
		try {
			prepared.push({ ok: true, value: await spec.prepare(i) });
		} catch (error) {
			prepared.push({ ok: false, error });
		}
	}
	if (spec.stopOnError && prepared.some((p) => !p.ok)) {
		return prepared.map((p) => (p.ok ? { ok: false, error: new SkippedError() } : p));
	}

	const signal = ctx.getExecutionCancelSignal?.();
	const ledger = new SubmissionLedger();
	const poller = spec.checker
		? new BatchPoller<J, R>(spec.checker, { signal, schedule: spec.schedule, timeoutError: spec.timeoutError })
		: undefined;
	try {
		return await mapConcurrent(
			spec.itemCount,
			spec.maxInFlight ?? spec.itemCount,
			async (itemIndex) => {
				const item = prepared[itemIndex];
				if (!item.ok) throw item.error;
				return await spec.process(item.value, itemIndex, { ledger, poller, signal }).catch(async (error: unknown) => {
					// Stopping on this error: the submissions still waiting are not sent.
					if (spec.stopOnError && !(error instanceof SkippedError)) ledger.halt();
					return await Promise.reject(error);
				});
			},
			{ stopOnError: spec.stopOnError, signal },
		);
	} finally {
		poller?.dispose();
	}
}

export type { Settled };
