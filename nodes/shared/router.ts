import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { messageOf } from './errors';
import { SkippedError, type Settled } from './pipeline';
import { isAbortError } from './wait';

/** What an operation returns for one input item: JSON objects, or full items (e.g. with binary data). */
export type ItemOutput = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[];

export interface Operation {
	/** Handles one input item. */
	execute?: (this: IExecuteFunctions, itemIndex: number) => Promise<ItemOutput>;
	/**
	 * Handles all input items together (submissions run as a pipeline) and returns one outcome per
	 * input item, in input order. With `stopOnError` it may stop early; unfinished items are skipped.
	 */
	executeBatch?: (this: IExecuteFunctions, itemCount: number, stopOnError: boolean) => Promise<Array<Settled<ItemOutput>>>;
}

function isExecutionData(value: IDataObject | INodeExecutionData): value is INodeExecutionData {
	return typeof value === 'object' && value !== null && 'json' in value && typeof value.json === 'object';
}

function toExecutionData(output: ItemOutput): INodeExecutionData[] {
	const list = Array.isArray(output) ? output : [output];
	return list.map((entry) => (isExecutionData(entry) ? entry : { json: entry as IDataObject }));
}

function withItemIndex(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * The item loop of every node in this package: runs the operation, pairs each output item with its
 * input item, and applies "Continue On Fail" — failed items become `{ error }` items paired to their
 * input while the others finish; otherwise the first failure (in input order) stops the node.
 */
export async function routeItems(this: IExecuteFunctions, operation: Operation): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const continueOnFail = this.continueOnFail();

	let outcomes: Array<Settled<ItemOutput>>;
	if (operation.executeBatch) {
		outcomes = await operation.executeBatch.call(this, itemCount, !continueOnFail);
	} else if (operation.execute) {
		outcomes = [];
		for (let i = 0; i < itemCount; i++) {
			try {
				outcomes.push({ ok: true, value: await operation.execute.call(this, i) });
			} catch (error) {
				outcomes.push({ ok: false, error });
				if (!continueOnFail || isAbortError(error)) break;
			}
		}
	} else {
		throw new NodeOperationError(this.getNode(), 'This operation has no implementation');
	}

	const returnData: INodeExecutionData[] = [];
	outcomes.forEach((outcome, itemIndex) => {
		if (!outcome) return;
		if (outcome.ok) {
			returnData.push(
				...this.helpers.constructExecutionMetaData(toExecutionData(outcome.value), { itemData: { item: itemIndex } }),
			);
			return;
		}
		if (isAbortError(outcome.error)) {
			throw new NodeOperationError(this.getNode(), 'The execution was cancelled while this node was waiting', { itemIndex });
		}
		if (continueOnFail) {
			const json: IDataObject = { error: messageOf(outcome.error) };
			const description = (outcome.error as { description?: unknown }).description;
			if (typeof description === 'string' && description) json.description = description;
			returnData.push({ json, pairedItem: { item: itemIndex } });
		}
	});

	if (!continueOnFail) {
		const firstFailure = outcomes.findIndex((o) => o && !o.ok && !(o.error instanceof SkippedError));
		if (firstFailure !== -1) {
			throw withItemIndex(this, (outcomes[firstFailure] as { error: unknown }).error, firstFailure);
		}
	}
	return [returnData];
}

/**
 * The router of a node: runs the operation the node is set to (resource and operation are the same
 * for every item) through routeItems.
 */
export async function routeResources(
	this: IExecuteFunctions,
	resources: Record<string, Record<string, Operation>>,
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const selected = resources[resource]?.[operation];
	if (!selected) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`);
	}
	return await routeItems.call(this, selected);
}
