import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { idsCreatedSince, runDocumentBatch, type DocumentBatchTools } from '../../shared/batch';
import { readMaxInFlight, readShapeOptions, readWaitOptions } from '../../shared/descriptions';
import { ApiRequestError } from '../../shared/errors';
import { shapeResult, type ShapeOptions } from '../../shared/items';
import type { Settled } from '../../shared/pipeline';
import { listThenFetchChecker, statusesFromList, type JobChecker, type JobOutcome } from '../../shared/poll';
import { serverClockOffset, type ApiContext } from '../../shared/request';
import type { ItemOutput } from '../../shared/router';
import { workflowIdOf } from '../actions/common.descriptions';
import { anyformatRequest } from '../transport';
import { parseAnyformatResults } from './results';

/** A submitted document: anyformat calls it a file collection. */
export interface CollectionJob {
	workflowId: string;
	collectionId: string;
	itemIndex: number;
	fileName?: string;
}

const TERMINAL_STATUSES = new Set(['processed', 'error', 'cancelled']);
/** From this many outstanding jobs of one workflow, one list call beats one results call per job. */
const LIST_THRESHOLD = 3;
/** Parallel results downloads once jobs are known to be finished. */
const RESULT_FETCH_CONCURRENCY = 8;
/** Largest page anyformat's v2 lists serve. */
const LIST_PAGE_SIZE = 100;

export function resultsPath(workflowId: string, collectionId: string): string {
	return `/v2/workflows/${encodeURIComponent(workflowId)}/files/${encodeURIComponent(collectionId)}/results/`;
}

function extractionFailed(ctx: ApiContext, job: CollectionJob, body: unknown): ApiRequestError {
	const detail = body && typeof body === 'object' ? (body as IDataObject).detail ?? (body as IDataObject).error : undefined;
	const what = job.fileName ? `"${job.fileName}"` : 'the document';
	return new ApiRequestError(ctx.getNode(), {
		message: `anyformat could not extract ${what} (collection ${job.collectionId})${detail ? `: ${String(detail)}` : ''}`,
		description:
			'The run ended in error or was cancelled; waiting longer will not change it. Check that the document is readable and in a supported format, then submit it again.',
		status: 422,
		apiCode: 'EXTRACTION_FAILED',
		itemIndex: job.itemIndex,
		response: (body ?? {}) as IDataObject,
	});
}

/**
 * One look at a collection's results: 200 = done, 412 = still running, 422 = failed for good.
 * Returns undefined while running.
 */
export async function fetchCollectionResults(
	ctx: ApiContext,
	job: CollectionJob,
	signal?: AbortSignal,
): Promise<JobOutcome<IDataObject> | undefined> {
	const response = await anyformatRequest(ctx, {
		method: 'GET',
		path: resultsPath(job.workflowId, job.collectionId),
		acceptStatus: [412, 422],
		itemIndex: job.itemIndex,
		signal,
	});
	if (response.statusCode === 412) return undefined;
	if (response.statusCode === 422) return { done: false, error: extractionFailed(ctx, job, response.body) };
	return { done: true, value: response.body };
}

/** Statuses of the wanted collections, read from the workflow's files list. */
async function listStatuses(
	ctx: ApiContext,
	workflowId: string,
	wanted: Set<string>,
	signal?: AbortSignal,
): Promise<Map<string, string>> {
	return await statusesFromList(wanted, LIST_PAGE_SIZE, async (page) => {
		const { body } = await anyformatRequest(ctx, {
			method: 'GET',
			path: `/v2/workflows/${encodeURIComponent(workflowId)}/files/`,
			qs: { page, page_size: LIST_PAGE_SIZE },
			signal,
		});
		const entries = Array.isArray(body.results) ? (body.results as IDataObject[]) : [];
		const count = typeof body.count === 'number' ? body.count : 0;
		return { entries, hasMore: entries.length > 0 && page * LIST_PAGE_SIZE < count };
	});
}

/**
 * Checks outstanding collections: with several jobs in one workflow, one files-list call tells
 * which have finished and only those have their results downloaded; otherwise each due job's
 * results endpoint is asked directly.
 */
export function collectionChecker(ctx: ApiContext, signal?: AbortSignal): JobChecker<CollectionJob, IDataObject> {
	return listThenFetchChecker<CollectionJob, IDataObject>({
		groupOf: (job) => ({ key: job.workflowId, threshold: LIST_THRESHOLD }),
		listStatuses: async (workflowId, jobs) => {
			const statuses = await listStatuses(ctx, workflowId, new Set(jobs.map((j) => j.collectionId)), signal);
			return (job) => {
				const status = statuses.get(job.collectionId);
				return status === undefined ? undefined : TERMINAL_STATUSES.has(status);
			};
		},
		fetch: async (job) => await fetchCollectionResults(ctx, job, signal),
		fetchConcurrency: RESULT_FETCH_CONCURRENCY,
	});
}

/**
 * Collections of a workflow created since `since` (this machine's clock): tells whether a
 * submission whose answer got lost was stored after all.
 */
export async function runsSince(ctx: ApiContext, workflowId: string, since: number, signal?: AbortSignal): Promise<string[]> {
	const requestedAt = Date.now();
	const { body, headers } = await anyformatRequest(ctx, {
		method: 'GET',
		path: `/v2/workflows/${encodeURIComponent(workflowId)}/runs/`,
		qs: { page: 1, page_size: LIST_PAGE_SIZE },
		signal,
	});
	const runs = Array.isArray(body.results) ? (body.results as IDataObject[]) : [];
	return idsCreatedSince(runs, since, serverClockOffset(headers, requestedAt));
}

/** What one item sends: a label for messages and `_meta`, and the request itself. */
export interface Submission {
	/** File name (or a short label) shown in messages and `_meta`. */
	label?: string;
	/** Sends the submission; resolves with anyformat's receipt `{id, status, workflow_id, version_id}`. */
	send: () => Promise<IDataObject>;
}

/** An item ready to submit; built before any request so bad input costs nothing. */
interface PreparedSubmission extends Submission {
	workflowId: string;
	wait: boolean;
	timeoutMs: number;
	shape?: ShapeOptions;
}

function ambiguousSubmission(ctx: IExecuteFunctions, prepared: PreparedSubmission, itemIndex: number) {
	return (error: ApiRequestError, landed: string[]) =>
		new ApiRequestError(ctx.getNode(), {
			message: landed.length
				? `${error.message}. anyformat may have accepted it anyway as collection ${landed.join(' or ')}`
				: error.message,
			description: landed.length
				? `The document was not sent again, so you are not charged twice. Fetch it with Extraction → Get Result (workflow ${prepared.workflowId}, collection ${landed[0]}); if that collection is not this document, run this item again.`
				: error.description ?? undefined,
			status: error.status,
			networkCode: error.networkCode,
			ambiguous: true,
			itemIndex,
		});
}

/** Output for one processed document: shaped results, one item per extraction (or per split row). */
export function shapeCollection(body: IDataObject, job: CollectionJob, shape: ShapeOptions): IDataObject[] {
	const meta: IDataObject = { collectionId: job.collectionId, workflowId: job.workflowId };
	if (job.fileName) meta.fileName = job.fileName;
	return parseAnyformatResults(body, meta).flatMap((result) => shapeResult(result, shape));
}

/**
 * Submits every item's document and, when asked, waits for all of them together (see
 * runDocumentBatch: all items are validated before the first submission).
 */
export async function runAnyformatExtraction(
	ctx: IExecuteFunctions,
	itemCount: number,
	stopOnError: boolean,
	describe: (itemIndex: number, workflowId: string) => Promise<Submission>,
): Promise<Array<Settled<ItemOutput>>> {
	const signal = ctx.getExecutionCancelSignal?.();
	return await runDocumentBatch<PreparedSubmission, CollectionJob, IDataObject, ItemOutput>(ctx, {
		itemCount,
		maxInFlight: readMaxInFlight(ctx),
		stopOnError,
		prepare: async (itemIndex) => {
			const workflowId = workflowIdOf(ctx, itemIndex);
			const submission = await describe(itemIndex, workflowId);
			const { wait, timeoutMs } = readWaitOptions(ctx, itemIndex);
			return { ...submission, workflowId, wait, timeoutMs, shape: wait ? readShapeOptions(ctx, itemIndex) : undefined };
		},
		checker: collectionChecker(ctx, signal),
		timeoutError: (job, waitedMs) =>
			new NodeOperationError(
				ctx.getNode(),
				`${job.fileName ? `"${job.fileName}"` : 'The document'} is still processing after ${Math.round(waitedMs / 1000)} s (collection ${job.collectionId})`,
				{
					itemIndex: job.itemIndex,
					description: `Raise "Timeout (Seconds)", or fetch the results later with Extraction → Get Result (workflow ${job.workflowId}, collection ${job.collectionId}).`,
				},
			),
		process: async (submission, itemIndex, tools: DocumentBatchTools<CollectionJob, IDataObject>) => {
			const receipt = await tools.ledger.submit({
				send: submission.send,
				idsOf: (r) => (typeof r.id === 'string' ? [r.id] : []),
				findSince: async (since) => await runsSince(ctx, submission.workflowId, since, tools.signal),
				describeAmbiguous: ambiguousSubmission(ctx, submission, itemIndex),
				signal: tools.signal,
			});
			const submittedAt = Date.now();
			if (typeof receipt.id !== 'string' || !receipt.id) {
				throw new ApiRequestError(ctx.getNode(), {
					message: 'anyformat accepted the document but returned no collection ID',
					description: 'Check the workflow runs in anyformat; the document was not sent again.',
					itemIndex,
					response: receipt,
				});
			}
			const job: CollectionJob = {
				workflowId: submission.workflowId,
				collectionId: receipt.id,
				itemIndex,
				fileName: submission.label,
			};
			if (!submission.wait) return { ...receipt, _meta: { fileName: submission.label ?? null } };
			const body = await tools.poller.track(job, { timeoutMs: submission.timeoutMs, submittedAt });
			return shapeCollection(body, job, submission.shape!);
		},
	});
}
