import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { invalidInput } from '../../shared/errors';

/** Where an operation that downloads a file puts it (n8n's usual name and wording). */
export const outputBinaryFieldProperty: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	placeholder: 'e.g. data',
	hint: 'The name of the output binary field to put the file in',
};

export function readOutputBinaryField(ctx: IExecuteFunctions, itemIndex: number): string {
	const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	if (!field) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Put Output File in Field', 'is empty', 'Enter the name of the binary field for the file, usually "data".');
	}
	return field;
}

/**
 * One output item carrying `content` as n8n binary data in `field`, stored the way the instance
 * stores binaries (memory, filesystem, S3…). A name without extension gets the MIME type's one.
 */
export async function binaryOutputItem(
	ctx: IExecuteFunctions,
	options: { field: string; content: Buffer; fileName: string; mimeType: string; json: IDataObject },
): Promise<INodeExecutionData> {
	const binary = await ctx.helpers.prepareBinaryData(options.content, options.fileName, options.mimeType);
	if (!/\.[A-Za-z0-9]+$/.test(options.fileName) && binary.fileExtension) {
		binary.fileName = `${options.fileName}.${binary.fileExtension}`;
	}
	return {
		json: { ...options.json, fileName: binary.fileName ?? options.fileName, mimeType: binary.mimeType, fileSize: options.content.length },
		binary: { [options.field]: binary },
	};
}
