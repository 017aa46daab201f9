import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { shareCredentials } from '../../shared/request';
import { isObject } from '../../shared/values';
import { eventItems, type ExtractionEvent } from './items';
import { readTriggerSettings, type TriggerSettings } from './properties';

/**
 * Bound on the results download of one delivery, retries included. It no longer holds anyformat's
 * answer (that went out before the execution started), so it can outlast a burst's queueing.
 * Mutable for tests only.
 */
export const resultsBudget = { ms: 30_000 };

/** Whether an input item is an event as webhook() emitted it (pinned or hand-made items pass through). */
function isEventItem(json: IDataObject): boolean {
	return typeof json.event === 'string' && isObject(json.data) && isObject(json._meta);
}

/** The output items for one event item: its extracted data, or the event with `_meta.resultsError`. */
async function completeEvent(ctx: IExecuteFunctions, input: IDataObject, settings: TriggerSettings): Promise<IDataObject[]> {
	const { collectionId, workflowId, ...meta } = input._meta as IDataObject;
	const extraction: ExtractionEvent = {
		event: input.event as string,
		timestamp: typeof input.timestamp === 'string' ? input.timestamp : null,
		data: input.data as IDataObject,
		collectionId: typeof collectionId === 'string' ? collectionId : undefined,
		workflowId: typeof workflowId === 'string' ? workflowId : undefined,
		meta,
	};
	return await eventItems(ctx, extraction, settings, resultsBudget.ms);
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
