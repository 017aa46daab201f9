import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputBinaryFieldProperty, submissionOutputProperties } from '../../../shared/descriptions';
import { runAnyformatExtraction } from '../../helpers/jobs';
import { postDocument, readInputDocument } from '../../helpers/documentInput';
import { workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	workflowLocator,
	inputBinaryFieldProperty('The name of the input binary field holding the document (PDF, image, Office, text, email…, up to 20 MB)'),
	...submissionOutputProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extraction'], operation: ['extractFromFile'] } },
	properties,
);

export async function executeBatch(this: IExecuteFunctions, itemCount: number, stopOnError: boolean) {
	return await runAnyformatExtraction(this, itemCount, stopOnError, async (itemIndex, workflowId) => {
		const file = await readInputDocument(this, itemIndex);
		return {
			label: file.fileName,
			send: async () =>
				await postDocument(this, { workflowId, endpoint: 'run', part: { field: 'file', file: await file.load() }, itemIndex }),
		};
	});
}
