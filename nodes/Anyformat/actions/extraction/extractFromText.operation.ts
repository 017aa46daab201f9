import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { submissionOutputProperties } from '../../../shared/descriptions';
import { invalidInput } from '../../../shared/errors';
import { extractionOperation } from '../../helpers/jobs';
import { ANYFORMAT_MAX_FILE_BYTES } from '../../transport';
import { workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	workflowLocator,
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		placeholder: 'e.g. Invoice #12345 from Acme Corp. Total: $1,250.00',
		description: 'The text to extract fields from, such as an email body or text already read from a document',
	},
	...submissionOutputProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extraction'], operation: ['extractFromText'] } },
	properties,
);

export const executeBatch = extractionOperation(async (ctx: IExecuteFunctions, itemIndex: number) => {
	const raw = ctx.getNodeParameter('text', itemIndex, '') as unknown;
	const text = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : JSON.stringify(raw);
	if (!text.trim()) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			'Text',
			'is empty',
			'Enter the text to extract from, or map it from a previous node (e.g. {{ $json.body }}).',
		);
	}
	if (Buffer.byteLength(text, 'utf8') > ANYFORMAT_MAX_FILE_BYTES) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			'Text',
			'is longer than the 20 MB anyformat accepts',
			'Send the text in smaller parts.',
		);
	}
	return {
		label: `text (${text.length} characters)`,
		part: async () => ({ field: 'text', text }),
	};
});
