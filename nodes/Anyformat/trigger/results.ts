import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { completeEventItems } from '../../shared/webhook';
import { eventItems, type ExtractionEvent } from './items';
import { readTriggerSettings, type TriggerSettings } from './properties';

/**
 * Bound on the results download of one delivery, retries included. It no longer holds anyformat's
 * answer (that went out before the execution started), so it can outlast a burst's queueing.
 * Mutable for tests only.
 */
export const resultsBudget = { ms: 30_000 };

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
	const settings = readTriggerSettings(ctx);
	if (!settings.includeData) return [ctx.getInputData()];
	return await completeEventItems(ctx, async (event) => await completeEvent(ctx, event, settings));
}
