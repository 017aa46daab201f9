import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runDocumentBatch } from '../../../shared/batch';
import { outputProperty, readShapeOptions, readWaitOptions, resultOptionsProperty, waitForCompletionProperties } from '../../../shared/descriptions';
import type { ShapeOptions } from '../../../shared/items';
import type { ItemOutput } from '../../../shared/router';
import {
	collectionChecker,
	fetchCollectionResults,
	shapeCollection,
	type CollectionJob,
} from '../../helpers/checker';
import { collectionIdProperty, requiredId, workflowIdOf, workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	workflowLocator,
	collectionIdProperty,
	{
		...waitForCompletionProperties[0],
		displayName: 'Wait If Still Processing',
		description: 'Whether to wait for a document that is still processing. Off: output "ready: false" for it at once.',
	},
	{ ...waitForCompletionProperties[1], description: 'How long to wait for each document before failing with its ID' },
	outputProperty,
	resultOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extraction'], operation: ['getResult'] } },
	properties,
);

interface ResultRequest {
	job: CollectionJob;
	wait: boolean;
	timeoutMs: number;
	shape: ShapeOptions;
}

export async function executeBatch(this: IExecuteFunctions, itemCount: number, stopOnError: boolean) {
	const signal = this.getExecutionCancelSignal?.();
	return await runDocumentBatch<ResultRequest, CollectionJob, IDataObject, ItemOutput>(this, {
		itemCount,
		// Nothing is submitted here; every document can be waited on at once.
		maxInFlight: Math.max(1, itemCount),
		stopOnError,
		checker: collectionChecker(this, signal),
		prepare: async (itemIndex) => {
			const workflowId = workflowIdOf(this, itemIndex);
			const collectionId = requiredId(
				this,
				itemIndex,
				'collectionId',
				'Collection ID',
				'Map the "id" output by an extraction (Wait for Completion off) or "_meta.collectionId".',
			);
			const { wait, timeoutMs } = readWaitOptions(this, itemIndex);
			return {
				job: { workflowId, collectionId, itemIndex },
				wait,
				timeoutMs,
				shape: readShapeOptions(this, itemIndex),
			};
		},
		timeoutError: (job, waitedMs) =>
			new NodeOperationError(this.getNode(), `Collection ${job.collectionId} is still processing after ${Math.round(waitedMs / 1000)} s`, {
				itemIndex: job.itemIndex,
				description: 'Raise "Timeout (Seconds)" or run Get Result again later.',
			}),
		process: async ({ job, wait, timeoutMs, shape }, _itemIndex, tools) => {
			if (wait) {
				const body = await tools.poller!.track(job, { timeoutMs, firstCheckAt: Date.now() });
				return shapeCollection(body, job, shape);
			}
			const outcome = await fetchCollectionResults(this, job, signal);
			if (!outcome) {
				return { ready: false, status: 'processing', collectionId: job.collectionId, workflowId: job.workflowId };
			}
			if (!outcome.done) throw outcome.error;
			return shapeCollection(outcome.value, job, shape);
		},
	});
}
