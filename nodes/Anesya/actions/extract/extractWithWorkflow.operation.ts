import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalidInput } from '../../../shared/errors';
import { uploadOperation, workflowRoute, type Upload } from '../../helpers/jobs';
import { anesyaUpload } from '../../transport';
import { checkUploadSize, prepareAnesyaDocument, type AnesyaDocument } from '../../helpers/documentInput';
import { readUuid, uploadResultProperties } from '../common.descriptions';

const FIELDS_PARAMETER = 'Input Binary Fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
		description:
			"The Anesya workflow (its schema, classifier and server are set in the dashboard). Anesya's API cannot list workflows: open the workflow in the Anesya dashboard and copy its ID, a UUID.",
	},
	{
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, attachment_0, attachment_1',
		hint: "Comma-separated binary fields, each holding one document (PDF, PNG or JPEG, up to 20 MB); * = every binary field of the item. All of an item's documents go in one upload.",
	},
	...uploadResultProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extract'], operation: ['extractWithWorkflow'] } },
	properties,
);

/** The binary fields to upload: the comma-separated names, or every field for "*". */
function binaryFieldsOf(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = String(ctx.getNodeParameter('binaryPropertyNames', itemIndex, 'data'));
	const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
	const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
	const fields = names.includes('*') ? available : [...new Set(names)];
	if (fields.length === 0) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			FIELDS_PARAMETER,
			names.length ? 'the item carries no file' : 'is empty',
			'Enter the binary fields that hold the documents, e.g. "data" or "attachment_0, attachment_1", and make sure the item carries files.',
		);
	}
	return fields;
}

/** One item's documents as one upload to POST /workflow/{id}/extract/ (extracts[N][document]). */
async function prepareWorkflowUpload(ctx: IExecuteFunctions, itemIndex: number): Promise<Upload> {
	const workflowId = readUuid(
		ctx,
		itemIndex,
		'workflowId',
		'Workflow ID',
		'Open the workflow in the Anesya dashboard and copy its ID (a UUID such as 300f339f-da71-4f9f-80f6-c25a63baae75).',
	);
	const documents: AnesyaDocument[] = [];
	for (const field of binaryFieldsOf(ctx, itemIndex)) {
		documents.push(await prepareAnesyaDocument(ctx, itemIndex, field, FIELDS_PARAMETER));
	}
	checkUploadSize(ctx, itemIndex, FIELDS_PARAMETER, documents);
	const names = documents.map((d) => `"${d.file.fileName}"`);
	const send = async () => {
		const parts = [];
		for (const [n, document] of documents.entries()) {
			parts.push({ field: `extracts[${n}][document]`, file: await document.file.load() });
		}
		const path = `/workflow/${encodeURIComponent(workflowId)}/extract/`;
		const created = await anesyaUpload<IDataObject | IDataObject[]>(ctx, path, parts, { itemIndex });
		// Documented as an array of Extracts, one per document.
		return Array.isArray(created) ? created : [created];
	};
	const fileNames = documents.map((d) => d.file.fileName);
	return {
		label: names.length === 1 ? names[0] : `${names.length} documents (${names.join(', ')})`,
		route: workflowRoute(ctx, workflowId, fileNames, send, ctx.getExecutionCancelSignal?.()),
	};
}

export const executeBatch = uploadOperation(prepareWorkflowUpload);
