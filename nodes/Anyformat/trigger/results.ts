import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { messageOf } from '../../shared/errors';
import type { FinalOutcome } from '../../shared/poll';
import { shareCredentials } from '../../shared/request';
import { isObject } from '../../shared/values';
import { fetchCollectionResults, shapeCollection, type CollectionJob } from '../helpers/checker';
import { readTriggerSettings, type TriggerSettings } from './properties';

/**
 * Bound on the results download of one delivery, retries included. It no longer holds anyformat's
 * answer (that went out before the execution started), so it can outlast a burst's queueing.
 * Mutable for tests only.
 */
export const resultsBudget = { ms: 30_000 };

type ResultsFetch = { ok: true; outcome: FinalOutcome<IDataObject> | undefined } | { ok: false; message: string };

/** One bounded look at the results (the shared request layer retries within the budget). */
async function fetchResults(ctx: IExecuteFunctions, job: CollectionJob): Promise<ResultsFetch> {
	const budgetMs = resultsBudget.ms;
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

/** Whether an input item is an event as webhook() emitted it (pinned or hand-made items pass through). */
function isEventItem(json: IDataObject): boolean {
	return typeof json.event === 'string' && isObject(json.data) && isObject(json._meta);
}

/** The output items for one event item: its extracted data, or the event with `_meta.resultsError`. */
async function completeEvent(ctx: IExecuteFunctions, input: IDataObject, settings: TriggerSettings): Promise<IDataObject[]> {
	const { _meta, ...event } = input;
	const meta = _meta as IDataObject;
	const eventItem = (extra: IDataObject = {}, resultsError?: string): IDataObject => ({
		...event,
		...extra,
		_meta: resultsError === undefined ? meta : { ...meta, resultsError },
	});
	const collectionId = typeof meta.collectionId === 'string' ? meta.collectionId : undefined;
	const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
	if (!collectionId || !workflowId) return [eventItem({}, 'The event carries no extraction ID or workflow ID')];

	const job: CollectionJob = { workflowId, collectionId, itemIndex: 0 };
	const fetched = await fetchResults(ctx, job);

	if (event.event === 'extraction.failed') {
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

/**
 * execute() of the trigger: n8n runs it with the items webhook() returned, after anyformat has its
 * answer. With Include Extracted Data it replaces each event with the extracted data (credentials
 * from the short-lived process cache: one load per few seconds, not one per delivery); otherwise
 * the events pass through as they are.
 */
export async function completeDeliveries(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const settings = readTriggerSettings(ctx);
	if (!settings.includeData) return [items];
	shareCredentials(ctx);
	const output: INodeExecutionData[] = [];
	for (const [index, item] of items.entries()) {
		if (!isEventItem(item.json)) {
			output.push(item);
			continue;
		}
		const completed = await completeEvent(ctx, item.json, settings);
		output.push(...completed.map((json) => ({ json, pairedItem: { item: index } })));
	}
	return [output];
}
