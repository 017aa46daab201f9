import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runDocumentBatch, type DocumentBatchTools } from './batch';
import { readLostAnswers, readMaxInFlight, readShapeOptions, readWaitOptions } from './descriptions';
import { ApiRequestError, messageOf } from './errors';
import type { ShapeOptions } from './items';
import type { SubmissionRoute, SubmitOutcome } from './ledger';
import { SkippedError, type Settled } from './pipeline';
import type { BatchPoller, JobChecker } from './poll';
import type { ItemOutput } from './router';
import { isAbortError } from './wait';

/** What one input item submits; built before any request, so bad input costs nothing. */
export interface Submission<Receipt> {
	/** The document(s) it sends, as messages name them, e.g. `"invoice.pdf"`. */
	label: string;
	/** How it is sent, and how a lost answer is looked for (see SubmissionLedger). */
	route: SubmissionRoute<Receipt>;
	/** A route whose lost answers are always told apart exactly, when the API has one. */
	exactRoute?: () => Promise<SubmissionRoute<Receipt>>;
}

/** How a vendor words the submit-and-wait failures where its words differ from the others'. */
export interface SubmissionWording<S, J> {
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
export interface SubmissionSpec<S extends Submission<Receipt>, Receipt, J extends { itemIndex: number }, R> {
	/** Reads one item's vendor parameters and checks its document(s); makes no request. */
	prepare: (ctx: IExecuteFunctions, itemIndex: number) => Promise<S>;
	/** The jobs an accepted (or adopted) submission started; empty when the receipt names none. */
	jobsOf: (receipt: Receipt, submission: S, itemIndex: number) => J[];
	/** A job's ID (what the ledger claims). */
	idOf: (job: J) => string;
	/** Checks outstanding jobs (see BatchPoller). */
	checker: (ctx: IExecuteFunctions, signal?: AbortSignal) => JobChecker<J, R>;
	/** Output items of one finished job. */
	shape: (result: R, job: J, shape: ShapeOptions) => IDataObject[];
	/** The output when not waiting: the receipt, with what fetching the result later needs. */
	receiptOutput: (receipt: Receipt, submission: S) => IDataObject[];
	/**
	 * Whether two finished results come from the same document. When a lost answer could not be
	 * told apart and the item was sent again, candidates whose result differs from the item's own
	 * are other clients' documents and are not reported as possible duplicates.
	 */
	sameDocument?: (mine: R, theirs: R) => boolean;
	wording: SubmissionWording<S, J>;
}

interface Prepared<S> {
	submission: S;
	wait: boolean;
	timeoutMs: number;
	shape?: ShapeOptions;
}

/** What this run has submitted, so a run that fails for good can say what it already paid for. */
interface Submitted {
	refs: string[];
	finished: boolean;
}

type JobWording<J> = Pick<SubmissionWording<never, J>, 'jobRef' | 'documentOf' | 'getOperation' | 'locate'>;

function stillProcessing<J extends { itemIndex: number }>(ctx: IExecuteFunctions, wording: JobWording<J>) {
	return (job: J, waitedMs: number) =>
		new NodeOperationError(
			ctx.getNode(),
			`${wording.documentOf(job) ?? 'The document'} is still processing after ${Math.round(waitedMs / 1000)} s (${wording.jobRef(job)})`,
			{
				itemIndex: job.itemIndex,
				description: `Raise "Timeout (Seconds)", or fetch the result later with ${wording.getOperation} (${wording.locate(job)}).`,
			},
		);
}

/** Several jobs of one item, some failed: fails the item, naming what did finish. */
function jobsFailed<J>(
	ctx: IExecuteFunctions,
	wording: JobWording<J>,
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

/** Adds what the ledger knows about a lost answer to every output item's `_meta`. */
function withLostAnswerMeta(items: IDataObject[], possibleDuplicateOf: string[], unchecked: boolean): IDataObject[] {
	if (possibleDuplicateOf.length === 0 && !unchecked) return items;
	return items.map((item) => ({
		...item,
		_meta: { ...((item._meta as IDataObject | undefined) ?? {}), possibleDuplicate: true, possibleDuplicateOf },
	}));
}

/**
 * The candidates of a lost answer that may really be this item's document: those whose result
 * matches one of the item's own, or that could not be compared (still running, failed, no way
 * to compare). Other clients' documents drop out.
 */
async function stillPossible<J extends { itemIndex: number }, R>(
	candidates: J[],
	mine: R[],
	poller: BatchPoller<J, R>,
	sameDocument: ((mine: R, theirs: R) => boolean) | undefined,
	timeoutMs: number,
): Promise<J[]> {
	if (!sameDocument || candidates.length === 0) return candidates;
	const theirs = await Promise.allSettled(candidates.map(async (job) => await poller.track(job, { timeoutMs, firstCheckAt: Date.now() })));
	return candidates.filter((_, i) => {
		const outcome = theirs[i];
		if (outcome.status === 'rejected') {
			if (isAbortError(outcome.reason)) throw outcome.reason;
			return true;
		}
		return mine.some((result) => sameDocument(result, outcome.value));
	});
}

/**
 * Says, on the error that stops the node, which documents this run had already submitted, so a
 * re-run can fetch them instead of paying for them again.
 */
function nameSubmitted<J>(outcomes: Array<Settled<ItemOutput>>, submitted: Map<number, Submitted>, wording: JobWording<J>): void {
	const failedAt = outcomes.findIndex((o) => !o.ok && !(o.error instanceof SkippedError) && !isAbortError(o.error));
	if (failedAt === -1 || submitted.size === 0) return;
	const error = (outcomes[failedAt] as { error: unknown }).error as { description?: string | null };
	if (typeof error !== 'object' || error === null) return;
	const list = [...submitted.entries()]
		.sort(([a], [b]) => a - b)
		.map(([itemIndex, s]) => `item ${itemIndex}: ${s.refs.join(', ')}${s.finished ? ' (finished)' : ' (not finished)'}`);
	const note = `Already submitted in this run (not lost; fetch them with ${wording.getOperation} instead of running these items again): ${list.join('; ')}.`;
	error.description = error.description ? `${error.description} ${note}` : note;
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
	const maxInFlight = readMaxInFlight(ctx);
	const lostAnswers = readLostAnswers(ctx);
	const submitted = new Map<number, Submitted>();

	const submit = async (submission: S, itemIndex: number, tools: DocumentBatchTools<J, R>): Promise<SubmitOutcome<Receipt>> =>
		await tools.ledger.submit({
			route: submission.route,
			exactRoute: submission.exactRoute,
			lostAnswers,
			idsOf: (r) => spec.jobsOf(r, submission, itemIndex).map(spec.idOf),
			describeAmbiguous: (error, candidates) => {
				const words = candidates.length ? wording.mayHaveLanded(submission, candidates) : undefined;
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

	const process = async ({ submission, wait, timeoutMs, shape }: Prepared<S>, itemIndex: number, tools: DocumentBatchTools<J, R>) => {
		const outcome = await submit(submission, itemIndex, tools);
		const submittedAt = Date.now();
		const jobs = spec.jobsOf(outcome.receipt, submission, itemIndex);
		if (jobs.length === 0) {
			const receipt = outcome.receipt as unknown;
			throw new ApiRequestError(ctx.getNode(), {
				...wording.noJobId(submission),
				itemIndex,
				response: (Array.isArray(receipt) ? { receipt } : receipt) as IDataObject,
			});
		}
		const record: Submitted = { refs: jobs.map(wording.jobRef), finished: false };
		submitted.set(itemIndex, record);
		const candidateJobs = outcome.possibleDuplicates.flatMap((receipt) => spec.jobsOf(receipt, submission, itemIndex));
		if (!wait) {
			return withLostAnswerMeta(spec.receiptOutput(outcome.receipt, submission), candidateJobs.map(spec.idOf), outcome.resentUnchecked);
		}

		const poller = tools.poller!;
		const settled = await Promise.allSettled(jobs.map(async (job) => await poller.track(job, { timeoutMs, submittedAt })));
		const firstFailure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
		if (firstFailure) {
			if (jobs.length === 1 || isAbortError(firstFailure.reason)) throw firstFailure.reason;
			throw jobsFailed(ctx, wording, jobs, settled, itemIndex);
		}
		record.finished = true;
		const results = settled.map((s) => (s as PromiseFulfilledResult<R>).value);
		const remainingMs = Math.max(1000, submittedAt + timeoutMs - Date.now());
		const duplicates = await stillPossible(candidateJobs, results, poller, spec.sameDocument, remainingMs);
		const items = results.flatMap((result, i) => spec.shape(result, jobs[i], shape!));
		return withLostAnswerMeta(items, duplicates.map(spec.idOf), outcome.resentUnchecked);
	};

	const outcomes = await runDocumentBatch<Prepared<S>, J, R, ItemOutput>(ctx, {
		itemCount,
		maxInFlight,
		stopOnError,
		prepare: async (itemIndex) => {
			const submission = await spec.prepare(ctx, itemIndex);
			const { wait, timeoutMs } = readWaitOptions(ctx, itemIndex);
			return { submission, wait, timeoutMs, shape: wait ? readShapeOptions(ctx, itemIndex) : undefined };
		},
		checker: spec.checker(ctx, signal),
		timeoutError: stillProcessing(ctx, wording),
		process,
	});
	if (stopOnError) nameSubmitted(outcomes, submitted, wording);
	return outcomes;
}
