import type { IDataObject } from 'n8n-workflow';

import { ApiRequestError } from '../../../shared/errors';
import { listThenFetchChecker, type JobChecker, type FinalOutcome } from '../../../shared/poll';
import type { ApiContext } from '../../../shared/request';
import { isObject } from '../../../shared/values';
import { anesyaV0Request, unexpectedV0Answer } from '../../transport';
import { failureText, phaseOf } from './results';

/** The two kinds of v0 work that run asynchronously. */
export type V0Kind = 'parsing' | 'extract';

/** One parsing or extract the node waits for. */
export interface V0Job {
	kind: V0Kind;
	id: string;
	itemIndex: number;
	/** What it reads, quoted, for messages: a file name, a URL, "document …". */
	documentName?: string;
	/** The status seen last, so a timeout says where it stood (non-final spellings are inferred). */
	lastStatus?: string;
	/** Extract: also fetch the markdown of the parsing it read (Include Document Text). */
	withText?: boolean;
}

/** A finished job: the resource, and for an extract with Include Document Text the markdown. */
export interface V0Result {
	body: IDataObject;
	text?: string | null;
}

/** Parallel reads: v0 lists no parsings or extracts, so each outstanding job is read on its own. */
const FETCH_CONCURRENCY = 8;

export function v0Path(kind: V0Kind, id: string): string {
	return `/v0/${kind}/${encodeURIComponent(id)}`;
}

/** A parsing or extract as it is now (GET /v0/parsing/{id}, GET /v0/extract/{id}). */
export async function fetchV0(ctx: ApiContext, kind: V0Kind, id: string, options: { itemIndex?: number; signal?: AbortSignal } = {}): Promise<IDataObject> {
	const { body } = await anesyaV0Request<unknown>(ctx, { method: 'GET', path: v0Path(kind, id), ...options });
	if (!isObject(body)) {
		throw unexpectedV0Answer(ctx, { call: `GET /v0/${kind}/${id}`, expected: `the ${kind} as an object with its "status"`, body, itemIndex: options.itemIndex });
	}
	return body;
}

/** The markdown of the parsing an extract read; null when the extract names none (the field is inferred). */
export async function parsingTextOf(ctx: ApiContext, extract: IDataObject, options: { itemIndex?: number; signal?: AbortSignal }): Promise<string | null> {
	const parsing = isObject(extract.parsing) ? extract.parsing.id : extract.parsing;
	if (typeof parsing !== 'string' || !parsing) return null;
	const body = await fetchV0(ctx, 'parsing', parsing, options);
	return typeof body.markdown_content === 'string' ? body.markdown_content : null;
}

export function jobRef(job: V0Job): string {
	return `${job.kind} ${job.id}${job.lastStatus ? `, status ${job.lastStatus}` : ''}`;
}

function failed(ctx: ApiContext, job: V0Job, resource: IDataObject): ApiRequestError {
	const reason = failureText(resource);
	const verb = job.kind === 'parsing' ? 'parse' : 'extract';
	const what = job.documentName ?? 'the document';
	return new ApiRequestError(ctx.getNode(), {
		message: `Anesya could not ${verb} ${what} (${job.kind} ${job.id}): ${reason ?? `it ended with status ${String(resource.status)}`}`,
		description:
			job.kind === 'parsing'
				? 'The parsing ended in ERROR; waiting longer will not change it. Check that the document is a readable PDF, PNG or JPEG (not password-protected, not blank) or that its URL is public or pre-signed and still valid, then submit it again.'
				: 'The extract ended in ERROR; waiting longer will not change it. Check that the schema ID is one of your schemas and that the document is readable, then submit it again.',
		apiCode: job.kind === 'parsing' ? 'PARSING_FAILED' : 'EXTRACTION_FAILED',
		itemIndex: job.itemIndex,
		response: resource,
	});
}

/** What one read says about its job: finished, failed for good, or (undefined) still running. */
async function outcomeOf(ctx: ApiContext, job: V0Job, resource: IDataObject, signal?: AbortSignal): Promise<FinalOutcome<V0Result> | undefined> {
	job.lastStatus = typeof resource.status === 'string' ? resource.status : 'none given';
	const phase = phaseOf(resource);
	if (phase === 'failed') return { done: false, error: failed(ctx, job, resource) };
	if (phase === 'running') return undefined;
	const text = job.withText ? await parsingTextOf(ctx, resource, { itemIndex: job.itemIndex, signal }) : undefined;
	return { done: true, value: { body: resource, text } };
}

/** Checks outstanding v0 jobs: v0 has no list of parsings or extracts, so each due job is read by ID. */
export function v0Checker(ctx: ApiContext, signal?: AbortSignal): JobChecker<V0Job, V0Result> {
	return listThenFetchChecker<V0Job, V0Result>({
		groupOf: () => ({ key: 'v0', threshold: Infinity }),
		listStatuses: async () => () => undefined,
		fetch: async (job) => await outcomeOf(ctx, job, await fetchV0(ctx, job.kind, job.id, { itemIndex: job.itemIndex, signal }), signal),
		fetchConcurrency: FETCH_CONCURRENCY,
	});
}
