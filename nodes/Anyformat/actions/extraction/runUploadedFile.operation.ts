import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
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

/**
 * The name File → Upload gave the file, when this item is its output (same file_id): the run's results do
 * not carry it, and looking it up would cost a request per item.
 */
function uploadedFileName(json: IDataObject | undefined, fileId: string): string | undefined {
	return json && json.file_id === fileId && typeof json.filename === 'string' && json.filename ? json.filename : undefined;
}

export const executeBatch = extractionOperation(async (ctx: IExecuteFunctions, itemIndex: number) => {
	const fileId = requiredId(ctx, itemIndex, 'fileId', 'File ID', 'Map the "file_id" output by File → Upload.');
	const fileName = uploadedFileName(ctx.getInputData()[itemIndex]?.json, fileId);
	return { label: fileName ? `"${fileName}"` : `file ${fileId}`, fileName, fileId };
});
