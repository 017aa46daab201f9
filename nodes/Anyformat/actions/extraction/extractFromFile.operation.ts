import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputBinaryFieldProperty, submissionOutputProperties } from '../../../shared/descriptions';
import { extractionOperation } from '../../helpers/jobs';
import { readInputDocument } from '../../helpers/documentInput';
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

export const executeBatch = extractionOperation(async (ctx: IExecuteFunctions, itemIndex: number) => {
	const file = await readInputDocument(ctx, itemIndex);
	return { label: file.fileName, fileName: file.fileName, part: async () => ({ field: 'file', file: await file.load() }) };
});
