import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryOutputItem, mediaType } from '../../../../shared/binary';
import { outputBinaryFieldProperty, readOutputBinaryField } from '../../../../shared/descriptions';
import { downloadV0Document } from '../../../transport';
import { documentId } from '../common.descriptions';

const properties: INodeProperties[] = [documentId.property, outputBinaryFieldProperty];

export const description = updateDisplayOptions({ show: { resource: ['document'], operation: ['download'] } }, properties);

/** The stored file as binary data (Anesya redirects to its storage; the key is not sent there). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = documentId.read(this, itemIndex);
	const field = readOutputBinaryField(this, itemIndex);
	const file = await downloadV0Document(this, id, { itemIndex, signal: this.getExecutionCancelSignal?.() });
	return await binaryOutputItem(this, {
		field,
		content: file.content,
		fileName: file.fileName ?? `anesya-document-${id}`,
		mimeType: mediaType(file.contentType) ?? 'application/octet-stream',
		json: { documentId: id },
	});
}
