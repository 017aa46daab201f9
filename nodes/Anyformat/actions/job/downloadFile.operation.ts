import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryOutputItem, fileNameFromContentDisposition, mediaType } from '../../../shared/binary';
import { outputBinaryFieldProperty, readOutputBinaryField } from '../../../shared/descriptions';
import { anyformatRequest } from '../../transport';
import { jobIdOf, jobIdProperty } from './jobId';

const properties: INodeProperties[] = [jobIdProperty, outputBinaryFieldProperty];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['downloadFile'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const jobId = jobIdOf(this, itemIndex);
	const field = readOutputBinaryField(this, itemIndex);
	const response = await anyformatRequest<Buffer>(this, {
		method: 'GET',
		path: `/jobs/${jobId}/file/`,
		responseType: 'binary',
		// Originals may be up to 20 MB.
		timeoutMs: 300_000,
		itemIndex,
	});
	return await binaryOutputItem(this, {
		field,
		content: response.body,
		fileName: fileNameFromContentDisposition(response.headers['content-disposition']) ?? `job-${jobId}`,
		mimeType: mediaType(response.headers['content-type']) ?? 'application/octet-stream',
		json: { jobId },
	});
}
