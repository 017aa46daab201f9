import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { idsCreatedSince, runDocumentBatch, type DocumentBatchTools } from '../../shared/batch';
import { readMaxInFlight, readShapeOptions, readWaitOptions } from '../../shared/descriptions';
import { ApiRequestError, messageOf } from '../../shared/errors';
import type { ShapeOptions } from '../../shared/items';
import { listThenFetchChecker, statusesFromList, type JobChecker, type JobOutcome } from '../../shared/poll';
import type { ApiContext } from '../../shared/request';
import type { ItemOutput } from '../../shared/router';
import { isAbortError } from '../../shared/wait';
import { ANESYA_MAX_PAGE_SIZE, anesyaPage, anesyaRequest } from '../transport';
import { extractMeta, FINAL_STATUSES, shapeExtract } from './results';

/** One submitted document: Anesya calls it an extract. */
export interface ExtractJob {
	extractId: string;
	itemIndex: number;
	documentName?: string;
	/** Set for workflow uploads: every extract of one upload shares it. */
	workflowSessionId?: number;
}

/** From this many outstanding extracts of one workflow session, one list call beats a GET per extract. */
const SESSION_LIST_THRESHOLD = 2;
/** From this many outstanding extracts outside sessions, one page of recent extracts beats a GET each. */
const RECENT_LIST_THRESHOLD = 3;
/** Parallel detail requests once extracts are known to be finished. */
const DETAIL_FETCH_CONCURRENCY = 8;

export function extractPath(extractId: string): string {
	return `/extract/${encodeURIComponent(extractId)}/`;
}

/** The full Extract (with `extracted_data` and `content`, which list items omit). */
export async function fetchExtract(
	ctx: ApiContext,
	extractId: string,
	options: { itemIndex?: number; signal?: AbortSignal } = {},
): Promise<IDataObject> {
	return (await anesyaRequest(ctx, { method: 'GET', path: extractPath(extractId), ...options })).body;
}

function nameOf(job: ExtractJob, startOfSentence = false): string {
	if (job.documentName) return `"${job.documentName}"`;
	return startOfSentence ? 'The document' : 'the document';
}

/** The reason Anesya gives for an ERROR, when the Extract carries one (0.8.1 documents none). */
function failureReason(extract: IDataObject): string | undefined {
	for (const key of ['error', 'error_message', 'detail', 'message']) {
		const value = extract[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	return undefined;
}

function extractFailed(ctx: ApiContext, job: ExtractJob, extract: IDataObject): ApiRequestError {
	const reason = failureReason(extract);
	const step = typeof extract.extraction_step === 'string' ? ` during step ${extract.extraction_step}` : '';
	return new ApiRequestError(ctx.getNode(), {
		message: `Anesya could not extract ${nameOf(job)} (extract ${job.extractId})${reason ? `: ${reason}` : `: it ended with status ERROR${step}`}`,
		description:
			'The extraction ended in ERROR; waiting longer will not change it. Check that the document is a readable PDF, PNG or JPEG (not password-protected, not blank), open the extract in the Anesya dashboard for details, then submit the document again.',
		apiCode: 'EXTRACTION_FAILED',
		itemIndex: job.itemIndex,
		response: extract,
	});
}

/** What one Extract body says about its job: finished, failed for good, or (undefined) still running. */
function outcomeOf(ctx: ApiContext, job: ExtractJob, extract: IDataObject): JobOutcome<IDataObject> | undefined {
	if (extract.status === 'FINISHED') return { done: true, value: extract };
	if (extract.status === 'ERROR') return { done: false, error: extractFailed(ctx, job, extract) };
	return undefined;
}

/** Statuses of the wanted extracts, read from the extracts list (filtered by `qs`). */
async function listStatuses(
	ctx: ApiContext,
	qs: IDataObject,
	wanted: Set<string>,
	signal?: AbortSignal,
): Promise<Map<string, string>> {
	return await statusesFromList(wanted, ANESYA_MAX_PAGE_SIZE, async (page) => {
		const current = await anesyaPage(ctx, '/extract/', { page, size: ANESYA_MAX_PAGE_SIZE, qs, signal });
		return { entries: current.results, hasMore: current.next !== null };
	});
}

/**
 * Checks outstanding extracts. List items carry the status but not `extracted_data`, so when
 * several extracts of one workflow session (or several outside sessions) are outstanding, one
 * list call tells which have finished and only those are read in full; otherwise each due extract
 * is read with GET /extract/{id}/.
 */
export function extractChecker(ctx: ApiContext, signal?: AbortSignal): JobChecker<ExtractJob, IDataObject> {
	return listThenFetchChecker<ExtractJob, IDataObject>({
		groupOf: (job) =>
			job.workflowSessionId === undefined
				? { key: 'recent', threshold: RECENT_LIST_THRESHOLD }
				: { key: `session:${job.workflowSessionId}`, threshold: SESSION_LIST_THRESHOLD },
		listStatuses: async (key, jobs) => {
			const session = jobs[0].workflowSessionId;
			const qs: IDataObject = key === 'recent' || session === undefined ? {} : { workflow_session_id: session };
			const statuses = await listStatuses(ctx, qs, new Set(jobs.map((j) => j.extractId)), signal);
			return (job) => {
				const status = statuses.get(job.extractId);
				return status === undefined ? undefined : FINAL_STATUSES.has(status);
			};
		},
		fetch: async (job) => outcomeOf(ctx, job, await fetchExtract(ctx, job.extractId, { itemIndex: job.itemIndex, signal })),
		fetchConcurrency: DETAIL_FETCH_CONCURRENCY,
	});
}

/**
 * IDs of extracts matching `qs` that the API created since `since` (this machine's clock): tells
 * whether an upload whose answer got lost was stored after all.
 */
export async function extractsSince(
	ctx: ApiContext,
	qs: IDataObject,
	since: number,
	signal?: AbortSignal,
): Promise<string[]> {
	const page = await anesyaPage(ctx, '/extract/', { page: 1, size: ANESYA_MAX_PAGE_SIZE, qs, signal });
	return idsCreatedSince(page.results, since, page.clockOffsetMs);
}

/** What one input item uploads; built before any request so bad input costs nothing. */
export interface Upload {
	/** The document name(s), for messages. */
	label: string;
	/** Sends the upload once; resolves with the created Extracts (one per document). */
	send: () => Promise<IDataObject[]>;
	/** Extracts that may be this upload, created since `since` (see SubmissionLedger). */
	findSince: (since: number, signal?: AbortSignal) => Promise<string[]>;
}

interface PreparedUpload extends Upload {
	wait: boolean;
	timeoutMs: number;
	shape?: ShapeOptions;
}

function ambiguousUpload(ctx: IExecuteFunctions, upload: Upload, itemIndex: number) {
	return (error: ApiRequestError, landed: string[]) =>
		new ApiRequestError(ctx.getNode(), {
			message: landed.length
				? `${error.message}. Anesya may have stored ${upload.label} anyway, as extract ${landed.join(' or ')}`
				: error.message,
			description: landed.length
				? `Nothing was sent again, so you are not charged twice. Check it with Extract → Get (extract ${landed[0]}); if it is not this document, run this item again.`
				: error.description ?? undefined,
			status: error.status,
			networkCode: error.networkCode,
			ambiguous: true,
			itemIndex,
		});
}

function idsOf(extracts: IDataObject[]): string[] {
	return extracts.map((e) => e.id).filter((id): id is string => typeof id === 'string' && id !== '');
}

function stillProcessing(ctx: IExecuteFunctions) {
	return (job: ExtractJob, waitedMs: number) =>
		new NodeOperationError(ctx.getNode(), `${nameOf(job, true)} is still processing after ${Math.round(waitedMs / 1000)} s (extract ${job.extractId})`, {
			itemIndex: job.itemIndex,
			description: `Raise "Timeout (Seconds)", or fetch the result later with Extract → Get (extract ${job.extractId}).`,
		});
}

/** Several documents of one item: fails the item when any failed, naming what did finish. */
function documentsFailed(ctx: IExecuteFunctions, jobs: ExtractJob[], settled: Array<PromiseSettledResult<IDataObject>>, itemIndex: number) {
	const reasons: string[] = [];
	const finished: string[] = [];
	jobs.forEach((job, i) => {
		const outcome = settled[i];
		if (outcome.status === 'rejected') reasons.push(`${nameOf(job)}: ${messageOf(outcome.reason)}`);
		else finished.push(`${nameOf(job)} (extract ${job.extractId})`);
	});
	return new NodeOperationError(ctx.getNode(), `${reasons.length} of ${jobs.length} documents of this item failed`, {
		itemIndex,
		description: `${reasons.join(' | ')}${finished.length ? `. Finished: ${finished.join(', ')}; fetch them with Extract → Get.` : ''}`,
	});
}

/** Uploads one item's documents and, when asked, waits for all of its extracts. */
async function processUpload(
	ctx: IExecuteFunctions,
	upload: PreparedUpload,
	itemIndex: number,
	tools: DocumentBatchTools<ExtractJob, IDataObject>,
): Promise<ItemOutput> {
	const extracts = await tools.ledger.submit({
		send: upload.send,
		idsOf,
		findSince: async (since) => await upload.findSince(since, tools.signal),
		describeAmbiguous: ambiguousUpload(ctx, upload, itemIndex),
		signal: tools.signal,
	});
	const submittedAt = Date.now();
	if (extracts.length === 0 || idsOf(extracts).length !== extracts.length) {
		throw new ApiRequestError(ctx.getNode(), {
			message: `Anesya accepted ${upload.label} but returned no extract ID`,
			description: 'Look for the extract in the Anesya dashboard; nothing was sent again.',
			itemIndex,
			response: { extracts } as IDataObject,
		});
	}
	// The receipts: status CREATED; `_meta.extractId` is what Extract → Get and Download take.
	if (!upload.wait) return extracts.map((extract) => ({ ...extract, _meta: extractMeta(extract) }));

	const jobs: ExtractJob[] = extracts.map((extract) => ({
		extractId: extract.id as string,
		itemIndex,
		documentName: typeof extract.document_name === 'string' ? extract.document_name : undefined,
		workflowSessionId: typeof extract.workflow_session_id === 'number' ? extract.workflow_session_id : undefined,
	}));
	const settled = await Promise.allSettled(
		jobs.map(async (job) => await tools.poller.track(job, { timeoutMs: upload.timeoutMs, submittedAt })),
	);
	const firstFailure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
	if (firstFailure) {
		if (jobs.length === 1 || isAbortError(firstFailure.reason)) throw firstFailure.reason;
		throw documentsFailed(ctx, jobs, settled, itemIndex);
	}
	return settled.flatMap((s) => shapeExtract((s as PromiseFulfilledResult<IDataObject>).value, upload.shape!));
}

/**
 * The `executeBatch` of an upload operation. `prepare` checks one item and describes its upload;
 * every item is prepared before the first upload (runDocumentBatch), uploads run as a pipeline of
 * at most "Max Documents in Flight" items, and all outstanding extracts are polled together.
 */
export function uploadOperation(prepare: (ctx: IExecuteFunctions, itemIndex: number) => Promise<Upload>) {
	return async function executeBatch(this: IExecuteFunctions, itemCount: number, stopOnError: boolean) {
		const signal = this.getExecutionCancelSignal?.();
		return await runDocumentBatch<PreparedUpload, ExtractJob, IDataObject, ItemOutput>(this, {
			itemCount,
			maxInFlight: readMaxInFlight(this),
			stopOnError,
			prepare: async (itemIndex) => {
				const upload = await prepare(this, itemIndex);
				const { wait, timeoutMs } = readWaitOptions(this, itemIndex);
				return { ...upload, wait, timeoutMs, shape: wait ? readShapeOptions(this, itemIndex) : undefined };
			},
			checker: extractChecker(this, signal),
			timeoutError: stillProcessing(this),
			process: async (upload, itemIndex, tools) => await processUpload(this, upload, itemIndex, tools),
		});
	};
}
