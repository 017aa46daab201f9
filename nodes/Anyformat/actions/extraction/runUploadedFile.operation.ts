import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inFlightLimit } from '../../../shared/batch';
import {
	batchOptionsProperty,
	outputProperty,
	readShapeOptions,
	readWaitOptions,
	resultOptionsProperty,
	waitForCompletionProperties,
} from '../../../shared/descriptions';
import { runAnyformatExtraction } from '../../helpers/jobs';
import { anyformatBody, SUBMISSION_TIER } from '../../transport';
import { requiredId, workflowIdOf, workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	workflowLocator,
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. f0e1d2c3-b4a5-6789-0abc-def123456789',
		description: 'The "file_id" returned by File → Upload (not the collection ID)',
	},
	...waitForCompletionProperties,
	{ ...outputProperty, displayOptions: { show: { waitForCompletion: [true] } } },
	{ ...resultOptionsProperty, displayOptions: { show: { waitForCompletion: [true] }, hide: { output: ['raw'] } } },
	batchOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extraction'], operation: ['runUploadedFile'] } },
	properties,
);

export async function executeBatch(this: IExecuteFunctions, itemCount: number, stopOnError: boolean) {
	const batchOptions = this.getNodeParameter('batchOptions', 0, {}) as IDataObject;
	return await runAnyformatExtraction(
		this,
		itemCount,
		stopOnError,
		async (itemIndex) => {
			const workflowId = workflowIdOf(this, itemIndex);
			const fileId = requiredId(this, itemIndex, 'fileId', 'File ID', 'Map the "file_id" output by File → Upload.');
			const { wait, timeoutMs } = readWaitOptions(this, itemIndex);
			return {
				workflowId,
				label: `file ${fileId}`,
				wait,
				timeoutMs,
				shape: wait ? readShapeOptions(this, itemIndex) : undefined,
				send: async () =>
					await anyformatBody(this, {
						method: 'POST',
						path: `/v2/workflows/${encodeURIComponent(workflowId)}/files/${encodeURIComponent(fileId)}/run/`,
						bucket: SUBMISSION_TIER,
						idempotent: false,
						itemIndex,
					}),
			};
		},
		inFlightLimit(batchOptions.maxInFlight, 30),
	);
}
