import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runDocumentBatch, type DocumentBatchTools } from './batch';
import { readMaxInFlight, readShapeOptions, readWaitOptions } from './descriptions';
import { ApiRequestError, messageOf } from './errors';
import type { ShapeOptions } from './items';
import type { Settled } from './pipeline';
import type { JobChecker } from './poll';
import type { ItemOutput } from './router';
import { isAbortError } from './wait';

/** What one input item submits; built before any request, so bad input costs nothing. */
export interface Submission<Receipt> {
	/** The document(s) it sends, as messages name them, e.g. `"invoice.pdf"`. */
	label: string;
	/** Sends it once; the request layer marks failures that may have landed as ambiguous. */
	send: () => Promise<Receipt>;
	/** IDs of submissions the API holds that were created since `since` (see SubmissionLedger). */
	findSince?: (since: number, signal?: AbortSignal) => Promise<string[]>;
}

/** How a vendor words the submit-and-wait failures where its words differ from the others'. */
export interface SubmissionWording<S, J> {
	/** The vendor's name in messages. */
	service: string;
	/** A job by its kind and ID, e.g. "collection 1a2b…". */
	jobRef: (job: J) => string;
	/** The document a job reads, quoted, when known. */
	documentOf: (job: J) => string | undefined;
	/** The operation that fetches a result later, e.g. "Extract → Get". */
	getOperation: string;
	/** What that operation needs to find a job, e.g. "workflow 9f…, collection 1a…". */
	locate: (job: J) => string;
	/** An accepted submission whose receipt names no job. */
	noJobId: (submission: S) => { message: string; description: string };
	/** A submission that failed but may have landed as one of `ids`: what to say, and how to check. */
	mayHaveLanded: (submission: S, ids: string[]) => { message: string; description: string };
}

/**
 * One vendor's submit-and-wait operation. The shared flow reads the wait, output and batch
 * options, prepares every item, submits through the ledger, and waits for every job with the
 * batch's poller; the vendor says how to send, what a receipt starts, how to check and shape.
 */
export interface SubmissionSpec<S extends Submission<Receipt>, Receipt, J, R> {
	/** Reads one item's vendor parameters and checks its document(s); makes no request. */
	prepare: (ctx: IExecuteFunctions, itemIndex: number) => Promise<S>;
	/** The jobs an accepted submission started; empty when the receipt names none. */
	jobsOf: (receipt: Receipt, submission: S, itemIndex: number) => J[];
	/** A job's ID (what the ledger claims). */
	idOf: (job: J) => string;
	/** Checks outstanding jobs (see BatchPoller). */
	checker: (ctx: IExecuteFunctions, signal?: AbortSignal) => JobChecker<J, R>;
	/** Output items of one finished job. */
	shape: (result: R, job: J, shape: ShapeOptions) => IDataObject[];
	/** The output when not waiting: the receipt, with what fetching the result later needs. */
	receiptOutput: (receipt: Receipt, submission: S) => ItemOutput;
	wording: SubmissionWording<S, J>;
}

interface Prepared<S> {
	submission: S;
	wait: boolean;
	timeoutMs: number;
	shape?: ShapeOptions;
}

function stillProcessing<J>(ctx: IExecuteFunctions, wording: Pick<SubmissionWording<never, J>, "jobRef" | "documentOf" | "getOperation" | "locate">, itemIndexOf: (job: J) => number) {
	return (job: J, waitedMs: number) =>
		new NodeOperationError(
			ctx.getNode(),
			`${wording.documentOf(job) ?? 'The document'} is still processing after ${Math.round(waitedMs / 1000)} s (${wording.jobRef(job)})`,
			{
				itemIndex: itemIndexOf(job),
				description: `Raise "Timeout (Seconds)", or fetch the result later with ${wording.getOperation} (${wording.locate(job)}).`,
			},
		);
}

/** Several jobs of one item, some failed: fails the item, naming what did finish. */
function jobsFailed<J>(
	ctx: IExecuteFunctions,
	wording: Pick<SubmissionWording<never, J>, "jobRef" | "documentOf" | "getOperation" | "locate">,
	jobs: J[],
	settled: Array<PromiseSettledResult<unknown>>,
	itemIndex: number,
): NodeOperationError {
	const reasons: string[] = [];
	const finished: string[] = [];
	jobs.forEach((job, i) => {
		const outcome = settled[i];
		const name = wording.documentOf(job) ?? 'the document';
		if (outcome.status === 'rejected') reasons.push(`${name}: ${messageOf(outcome.reason)}`);
		else finished.push(`${name} (${wording.jobRef(job)})`);
	});
	const fetchHint = finished.length ? `. Finished: ${finished.join(', ')}; fetch them with ${wording.getOperation}.` : '';
	return new NodeOperationError(ctx.getNode(), `${reasons.length} of ${jobs.length} documents of this item failed`, {
		itemIndex,
		description: `${reasons.join(' | ')}${fetchHint}`,
	});
}

/**
 * The `executeBatch` of a submitting operation: every item is prepared before the first
 * submission (runDocumentBatch), submissions run as a pipeline of at most "Max Documents in
 * Flight" items through the ledger, and all outstanding jobs are polled together.
 */
export function submissionOperation<S extends Submission<Receipt>, Receipt, J extends { itemIndex: number }, R>(
	spec: SubmissionSpec<S, Receipt, J, R>,
) {
	return async function executeBatch(
		this: IExecuteFunctions,
		itemCount: number,
		stopOnError: boolean,
	): Promise<Array<Settled<ItemOutput>>> {
		return await runSubmissions(this, spec, itemCount, stopOnError);
	};
}

async function runSubmissions<S extends Submission<Receipt>, Receipt, J extends { itemIndex: number }, R>(
	ctx: IExecuteFunctions,
	spec: SubmissionSpec<S, Receipt, J, R>,
	itemCount: number,
	stopOnError: boolean,
): Promise<Array<Settled<ItemOutput>>> {
	const { wording } = spec;
	const signal = ctx.getExecutionCancelSignal?.();

	const process = async (prepared: Prepared<S>, itemIndex: number, tools: DocumentBatchTools<J, R>) => {
		const { submission } = prepared;
		const receipt = await tools.ledger.submit({
			send: submission.send,
			idsOf: (r) => spec.jobsOf(r, submission, itemIndex).map(spec.idOf),
			findSince: submission.findSince && (async (since) => await submission.findSince!(since, tools.signal)),
			describeAmbiguous: (error, landed) => {
				const words = landed.length ? wording.mayHaveLanded(submission, landed) : undefined;
				return new ApiRequestError(ctx.getNode(), {
					message: words ? `${error.message}. ${words.message}` : error.message,
					description: words ? words.description : error.description ?? undefined,
					status: error.status,
					networkCode: error.networkCode,
					ambiguous: true,
					itemIndex,
				});
			},
			signal: tools.signal,
		});
		const submittedAt = Date.now();
		const jobs = spec.jobsOf(receipt, submission, itemIndex);
		if (jobs.length === 0) {
			throw new ApiRequestError(ctx.getNode(), {
				...wording.noJobId(submission),
				itemIndex,
				response: (Array.isArray(receipt) ? { receipt } : receipt) as IDataObject,
			});
		}
		if (!prepared.wait) return spec.receiptOutput(receipt, submission);

		const settled = await Promise.allSettled(
			jobs.map(async (job) => await tools.poller!.track(job, { timeoutMs: prepared.timeoutMs, submittedAt })),
		);
		const firstFailure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
		if (firstFailure) {
			if (jobs.length === 1 || isAbortError(firstFailure.reason)) throw firstFailure.reason;
			throw jobsFailed(ctx, wording, jobs, settled, itemIndex);
		}
		return settled.flatMap((s, i) => spec.shape((s as PromiseFulfilledResult<R>).value, jobs[i], prepared.shape!));
	};

	return await runDocumentBatch<Prepared<S>, J, R, ItemOutput>(ctx, {
		itemCount,
		maxInFlight: readMaxInFlight(ctx),
		stopOnError,
		prepare: async (itemIndex) => {
			const submission = await spec.prepare(ctx, itemIndex);
			const { wait, timeoutMs } = readWaitOptions(ctx, itemIndex);
			return { submission, wait, timeoutMs, shape: wait ? readShapeOptions(ctx, itemIndex) : undefined };
		},
		checker: spec.checker(ctx, signal),
		timeoutError: stillProcessing(ctx, wording, (job) => job.itemIndex),
		process,
	});
}
