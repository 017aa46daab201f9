import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inFlightLimit } from '../../../shared/batch';
import { prepareInputFile } from '../../../shared/binary';
import {
	batchOptionsProperty,
	outputProperty,
	readShapeOptions,
	readWaitOptions,
	resultOptionsProperty,
	waitForCompletionProperties,
} from '../../../shared/descriptions';
import { buildMultipart } from '../../../shared/multipart';
import { runAnyformatExtraction } from '../../helpers/jobs';
import { ANYFORMAT_MAX_FILE_BYTES, anyformatBody, SUBMISSION_TIER } from '../../transport';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	workflowLocator,
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field holding the document (PDF, image, Office, text, email…, up to 20 MB)',
	},
	...waitForCompletionProperties,
	{ ...outputProperty, displayOptions: { show: { waitForCompletion: [true] } } },
	{ ...resultOptionsProperty, displayOptions: { show: { waitForCompletion: [true] }, hide: { output: ['raw'] } } },
	batchOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extraction'], operation: ['extractFromFile'] } },
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
			const field = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
			const file = await prepareInputFile(this, itemIndex, field, {
				maxBytes: ANYFORMAT_MAX_FILE_BYTES,
				serviceName: 'anyformat',
			});
			const { wait, timeoutMs } = readWaitOptions(this, itemIndex);
			return {
				workflowId,
				label: file.fileName,
				wait,
				timeoutMs,
				shape: wait ? readShapeOptions(this, itemIndex) : undefined,
				send: async () => {
					const multipart = buildMultipart([{ field: 'file', file: await file.load() }]);
					return await anyformatBody(this, {
						method: 'POST',
						path: `/v2/workflows/${encodeURIComponent(workflowId)}/run/`,
						body: multipart.body,
						headers: { 'content-type': multipart.contentType },
						bucket: SUBMISSION_TIER,
						idempotent: false,
						timeoutMs: 300_000,
						itemIndex,
					});
				},
			};
		},
		inFlightLimit(batchOptions.maxInFlight, 30),
	);
}
