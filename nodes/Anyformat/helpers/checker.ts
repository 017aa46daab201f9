import type { IDataObject } from 'n8n-workflow';

import { ApiRequestError } from '../../shared/errors';
import { shapeResult, type ShapeOptions } from '../../shared/items';
import { statusesFromList } from '../../shared/paging';
import { listThenFetchChecker, type FinalOutcome, type JobChecker } from '../../shared/poll';
import type { ApiContext } from '../../shared/request';
import { ANYFORMAT_PAGE_SIZE, anyformatPage, anyformatRequest } from '../transport';
import { parseAnyformatResults } from './results';

/** A submitted document: anyformat calls it a file collection. */
export interface CollectionJob {
	workflowId: string;
	collectionId: string;
	itemIndex: number;
	fileName?: string;
}

export const TERMINAL_STATUSES = new Set(['processed', 'error', 'cancelled']);
/** From this many outstanding jobs of one workflow, one list call beats one results call per job. */
const LIST_THRESHOLD = 3;
/** Parallel results downloads once jobs are known to be finished. */
const RESULT_FETCH_CONCURRENCY = 8;

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
): Promise<FinalOutcome<IDataObject> | undefined> {
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
	const path = `/v2/workflows/${encodeURIComponent(workflowId)}/files/`;
	return await statusesFromList(wanted, ANYFORMAT_PAGE_SIZE, async (page) => await anyformatPage(ctx, path, { page, size: ANYFORMAT_PAGE_SIZE, signal }));
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

/** Output for one processed document: shaped results, one item per extraction (or per split row). */
export function shapeCollection(body: IDataObject, job: CollectionJob, shape: ShapeOptions): IDataObject[] {
	const meta: IDataObject = { collectionId: job.collectionId, workflowId: job.workflowId };
	if (job.fileName) meta.fileName = job.fileName;
	return parseAnyformatResults(body, meta).flatMap((result) => shapeResult(result, shape));
}
