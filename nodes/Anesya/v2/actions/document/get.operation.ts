import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isObject } from '../../../../shared/values';
import { anesyaV0Request, unexpectedV0Answer } from '../../../transport';
import { documentId } from '../common.descriptions';

const properties: INodeProperties[] = [documentId.property];

export const description = updateDisplayOptions({ show: { resource: ['document'], operation: ['get'] } }, properties);

/** One stored document: name, metadata, page count, dates (GET /v0/documents/{id}). */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = documentId.read(this, itemIndex);
	const { body } = await anesyaV0Request<unknown>(this, { method: 'GET', path: `/v0/documents/${encodeURIComponent(id)}`, itemIndex });
	if (!isObject(body)) throw unexpectedV0Answer(this, { call: `GET /v0/documents/${id}`, expected: 'the document as an object', body, itemIndex });
	return body;
}
