import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readShapeOptions } from '../../../shared/descriptions';
import { messageOf } from '../../../shared/errors';
import type { ShapeOptions } from '../../../shared/items';
import { firstString, isObject } from '../../../shared/values';
import { completeEventItems } from '../../../shared/webhook';
import { fetchV0, parsingTextOf, type V0Kind } from '../helpers/checker';
import { phaseOf, shapeParsing, shapeV0Extract } from '../helpers/results';
import { V0_FINAL_EVENTS } from './properties';

/**
 * Bound on reading one parsing or extract back, retries included. Anesya already has its answer
 * (sent before the execution started), so this only bounds the execution.
 */
export const V0_RESULT_BUDGET_MS = 30_000;

type Fetched = { resource: IDataObject; text?: string | null } | { error: string };

/** The parsing or extract as Anesya has it now, within the budget. */
async function fetchResult(ctx: IExecuteFunctions, kind: V0Kind, id: string, shape: ShapeOptions, itemIndex: number): Promise<Fetched> {
	const signal = AbortSignal.timeout(V0_RESULT_BUDGET_MS);
	try {
		const resource = await fetchV0(ctx, kind, id, { signal, itemIndex });
		const wantsText = kind === 'extract' && shape.includeText === true && phaseOf(resource) === 'succeeded';
		return { resource, text: wantsText ? await parsingTextOf(ctx, resource, { signal, itemIndex }) : undefined };
	} catch (error) {
		return { error: signal.aborted ? `Anesya did not return the ${kind} within ${V0_RESULT_BUDGET_MS / 1000} s` : messageOf(error) };
	}
}

/** The output items of one event: the parsing or extract shaped like the Anesya node's Get. */
async function completeEvent(ctx: IExecuteFunctions, input: IDataObject, itemIndex: number): Promise<IDataObject[]> {
	const event = String(input.event);
	const kind: V0Kind = event.startsWith('parsing.') ? 'parsing' : 'extract';
	const shape = readShapeOptions(ctx, itemIndex);
	let resource = input.data as IDataObject;
	let text: string | null | undefined;
	let resultsError: string | undefined;

	const id = firstString(resource.id);
	if (ctx.getNodeParameter('fetchResult', itemIndex, true) === true && V0_FINAL_EVENTS.includes(event)) {
		const fetched = id ? await fetchResult(ctx, kind, id, shape, itemIndex) : { error: `The event carries no ${kind} ID ("data.id")` };
		if ('error' in fetched) resultsError = fetched.error;
		else ({ resource, text } = fetched);
	}
	const shaped = kind === 'parsing' ? [shapeParsing(resource, shape.output)] : shapeV0Extract(resource, shape, text);
	const deliveryMeta = input._meta as IDataObject;
	const meta = resultsError === undefined ? deliveryMeta : { ...deliveryMeta, resultsError };
	return shaped.map((item) => ({ ...item, _meta: { ...(isObject(item._meta) ? item._meta : {}), ...meta } }));
}

/**
 * execute() of the Anesya Trigger for v0: n8n runs it with the items webhook() returned, after Anesya
 * has its answer. Each event becomes its parsing or extract: read back through the v0 API when Fetch
 * Result is on and the event is final (credentials from the short-lived process cache), else the
 * delivered copy. If the read fails, the delivered copy is output with `_meta.resultsError`.
 */
export async function completeV0Deliveries(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await completeEventItems(ctx, async (event, itemIndex) => await completeEvent(ctx, event, itemIndex));
}
