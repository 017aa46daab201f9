import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { submissionOutputProperties } from '../../../shared/descriptions';
import { extractionOperation } from '../../helpers/jobs';
import { requiredId, workflowLocator } from '../common.descriptions';

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
	...submissionOutputProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extraction'], operation: ['runUploadedFile'] } },
	properties,
);

export const executeBatch = extractionOperation(async (ctx: IExecuteFunctions, itemIndex: number) => {
	const fileId = requiredId(ctx, itemIndex, 'fileId', 'File ID', 'Map the "file_id" output by File → Upload.');
	return { label: `file ${fileId}`, fileId };
});
