import type { IDataObject } from 'n8n-workflow';

import { ApiRequestError } from '../../shared/errors';
import { statusesFromList } from '../../shared/paging';
import { listThenFetchChecker, type FinalOutcome, type JobChecker } from '../../shared/poll';
import type { ApiContext } from '../../shared/request';
import { ANESYA_MAX_PAGE_SIZE, anesyaPage, anesyaRequest } from '../transport';
import { FINAL_STATUSES } from './results';

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

/** The document an extract reads, quoted, when known. */
export function documentOf(job: ExtractJob): string | undefined {
	return job.documentName ? `"${job.documentName}"` : undefined;
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
		message: `Anesya could not extract ${documentOf(job) ?? 'the document'} (extract ${job.extractId})${reason ? `: ${reason}` : `: it ended with status ERROR${step}`}`,
		description:
			'The extraction ended in ERROR; waiting longer will not change it. Check that the document is a readable PDF, PNG or JPEG (not password-protected, not blank), open the extract in the Anesya dashboard for details, then submit the document again.',
		apiCode: 'EXTRACTION_FAILED',
		itemIndex: job.itemIndex,
		response: extract,
	});
}

/** What one Extract body says about its job: finished, failed for good, or (undefined) still running. */
function outcomeOf(ctx: ApiContext, job: ExtractJob, extract: IDataObject): FinalOutcome<IDataObject> | undefined {
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
	return await statusesFromList(wanted, ANESYA_MAX_PAGE_SIZE, async (page) => await anesyaPage(ctx, '/extract/', { page, size: ANESYA_MAX_PAGE_SIZE, qs, signal }));
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
