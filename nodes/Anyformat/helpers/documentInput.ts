import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { prepareInputFile, type InputFile } from '../../shared/binary';
import { buildMultipart, type MultipartPart } from '../../shared/multipart';
import type { ApiContext } from '../../shared/request';
import { ANYFORMAT_MAX_FILE_BYTES, anyformatBody, SUBMISSION_TIER } from '../transport';

/** Checks the item's document (field present, not empty, ≤ 20 MB) without loading it. */
export async function readInputDocument(ctx: IExecuteFunctions, itemIndex: number): Promise<InputFile> {
	const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	return await prepareInputFile(ctx, itemIndex, field, { maxBytes: ANYFORMAT_MAX_FILE_BYTES, serviceName: 'anyformat' });
}

/**
 * Sends one document (a `file` or `text` part) to a workflow's `run` or `upload` endpoint. Both
 * count against the submission tier. A run is never repeated after a failure that may have landed;
 * an upload only when the caller says a second stored copy is harmless (`repeatable`).
 */
export async function postDocument(
	ctx: IExecuteFunctions,
	options: {
		workflowId: string;
		endpoint: 'run' | 'upload';
		part: MultipartPart;
		itemIndex: number;
		signal?: AbortSignal;
		repeatable?: boolean;
	},
): Promise<IDataObject> {
	const multipart = await buildMultipart([options.part]);
	return await anyformatBody(ctx, {
		method: 'POST',
		path: `/v2/workflows/${encodeURIComponent(options.workflowId)}/${options.endpoint}/`,
		body: multipart.body,
		headers: { 'content-type': multipart.contentType },
		bucket: SUBMISSION_TIER,
		idempotent: options.repeatable ?? false,
		// Up to 20 MB on the way up.
		timeoutMs: 300_000,
		itemIndex: options.itemIndex,
		signal: options.signal,
	});
}

/** Starts a file uploaded earlier (its `file_id`); the answer names the collection to poll. */
export async function runUploadedFile(ctx: ApiContext, workflowId: string, fileId: string, itemIndex: number): Promise<IDataObject> {
	return await anyformatBody(ctx, {
		method: 'POST',
		path: `/v2/workflows/${encodeURIComponent(workflowId)}/files/${encodeURIComponent(fileId)}/run/`,
		bucket: SUBMISSION_TIER,
		idempotent: false,
		itemIndex,
	});
}
