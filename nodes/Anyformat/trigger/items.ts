import type { IDataObject } from 'n8n-workflow';

import { messageOf } from '../../shared/errors';
import type { ShapeOptions } from '../../shared/items';
import type { FinalOutcome } from '../../shared/poll';
import type { ApiContext } from '../../shared/request';
import { isObject } from '../../shared/values';
import { fetchCollectionResults, shapeCollection, type CollectionJob } from '../helpers/checker';

/**
 * One finished (or failed) extraction as both triggers see it: delivered by anyformat's webhook, or
 * found by the polling trigger in a runs list. `data` is the webhook payload's `data` (or the same
 * fields built from the list entry).
 */
export interface ExtractionEvent {
	event: string;
	timestamp: string | null;
	data: IDataObject;
	collectionId?: string;
	workflowId?: string;
	/** What goes into every item's `_meta` besides the results' own (delivery ID, source…). */
	meta: IDataObject;
}

export interface EventItemSettings {
	includeData: boolean;
	shape?: ShapeOptions;
}

type ResultsFetch = { ok: true; outcome: FinalOutcome<IDataObject> | undefined } | { ok: false; message: string };

/** One bounded look at the results (the shared request layer retries within the budget). */
async function fetchResults(ctx: ApiContext, job: CollectionJob, budgetMs: number): Promise<ResultsFetch> {
	const signal = AbortSignal.timeout(budgetMs);
	return await fetchCollectionResults(ctx, job, signal).then(
		(outcome): ResultsFetch => ({ ok: true, outcome }),
		(error: unknown): ResultsFetch => ({
			ok: false,
			message: signal.aborted ? `anyformat did not return the results within ${budgetMs / 1000} s` : messageOf(error),
		}),
	);
}

/** anyformat's own words for a failed run: the `detail` of its 422 answer. */
function failureReason(error: Error): { reason: string; errorCode: string | null } {
	const response = (error as { errorResponse?: unknown }).errorResponse;
	const detail = isObject(response) && typeof response.detail === 'string' ? response.detail : undefined;
	const code = (error as { apiCode?: unknown }).apiCode;
	return { reason: detail ?? error.message, errorCode: typeof code === 'string' ? code : null };
}

/**
 * The output items for one event: the event itself, or with Include Extracted Data the shaped
 * results (a failed run: the reason anyformat gives). Results that cannot be had within
 * `budgetMs` leave the event item with `_meta.resultsError` rather than failing the trigger.
 */
export async function eventItems(
	ctx: ApiContext,
	extraction: ExtractionEvent,
	settings: EventItemSettings,
	budgetMs: number,
): Promise<IDataObject[]> {
	const { event, timestamp, data, collectionId, workflowId } = extraction;
	const meta: IDataObject = { ...extraction.meta, collectionId: collectionId ?? null, workflowId: workflowId ?? null };
	const eventItem = (extra: IDataObject = {}, resultsError?: string): IDataObject => ({
		event,
		timestamp,
		data,
		...extra,
		_meta: resultsError === undefined ? meta : { ...meta, resultsError },
	});

	if (!settings.includeData) return [eventItem()];
	if (!collectionId || !workflowId) return [eventItem({}, 'The event carries no extraction ID or workflow ID')];

	const job: CollectionJob = { workflowId, collectionId, itemIndex: 0 };
	const fetched = await fetchResults(ctx, job, budgetMs);

	if (event === 'extraction.failed') {
		if (!fetched.ok) return [eventItem({ reason: null, errorCode: null }, fetched.message)];
		const failure = fetched.outcome && !fetched.outcome.done ? failureReason(fetched.outcome.error) : undefined;
		return [eventItem({ reason: failure?.reason ?? null, errorCode: failure?.errorCode ?? null })];
	}

	if (!fetched.ok) return [eventItem({}, fetched.message)];
	const { outcome } = fetched;
	if (!outcome) return [eventItem({}, 'anyformat reports the results as not ready yet (412)')];
	if (!outcome.done) return [eventItem({}, outcome.error.message)];
	let shaped: IDataObject[];
	try {
		shaped = shapeCollection(outcome.value, job, settings.shape!);
	} catch (error) {
		// E.g. "Split Into Items" names a field this document lacks: keep the event, say why.
		return [eventItem({}, messageOf(error))];
	}
	return shaped.map((item) => ({ ...item, _meta: { ...meta, ...(isObject(item._meta) ? item._meta : {}) } }));
}
