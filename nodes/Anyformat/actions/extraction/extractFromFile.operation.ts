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
import { inputBinaryFieldProperty, postDocument, readInputDocument } from '../../helpers/documentInput';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	workflowLocator,
	inputBinaryFieldProperty('The name of the input binary field holding the document (PDF, image, Office, text, email…, up to 20 MB)'),
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
			const file = await readInputDocument(this, itemIndex);
			const { wait, timeoutMs } = readWaitOptions(this, itemIndex);
			return {
				workflowId,
				label: file.fileName,
				wait,
				timeoutMs,
				shape: wait ? readShapeOptions(this, itemIndex) : undefined,
				send: async () =>
					await postDocument(this, { workflowId, endpoint: 'run', part: { field: 'file', file: await file.load() }, itemIndex }),
			};
		},
		inFlightLimit(batchOptions.maxInFlight, 30),
	);
}
