import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runDocumentBatch } from '../../../shared/batch';
import type { InputFile } from '../../../shared/binary';
import { inputBinaryFieldProperty } from '../../../shared/descriptions';
import { postDocument, readInputDocument } from '../../helpers/documentInput';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	{ ...workflowLocator, description: 'The anyformat workflow to store the file in, for a later run' },
	inputBinaryFieldProperty('The name of the input binary field holding the file to upload (up to 20 MB)'),
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['upload'] } }, properties);

/** Uploads on the wire at once; they share the 60/min submission budget, which the request layer paces. */
const UPLOADS_IN_FLIGHT = 4;

interface PreparedUpload {
	workflowId: string;
	file: InputFile;
}

export async function executeBatch(this: IExecuteFunctions, itemCount: number, stopOnError: boolean) {
	const signal = this.getExecutionCancelSignal?.();
	// An upload starts no extraction, so nothing is waited on: no checker, only the
	// validate-every-item-first pipeline.
	return await runDocumentBatch<PreparedUpload, never, never, IDataObject>(this, {
		itemCount,
		maxInFlight: UPLOADS_IN_FLIGHT,
		stopOnError,
		prepare: async (itemIndex) => ({ workflowId: workflowIdOf(this, itemIndex), file: await readInputDocument(this, itemIndex) }),
		process: async ({ workflowId, file }, itemIndex) => {
			// A repeated upload would store the file twice: a failure that may have landed is reported, not resent.
			const body = await postDocument(this, { workflowId, endpoint: 'upload', part: { field: 'file', file: await file.load() }, itemIndex, signal });
			return {
				...body,
				file_id: body.file_id ?? null,
				file_collection_id: body.file_collection_id ?? null,
				status: body.status ?? 'uploaded',
				filename: body.filename ?? file.fileName,
				workflow_id: workflowId,
			};
		},
	});
}
