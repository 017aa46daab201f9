import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { formatBytes, prepareInputFile, type InputFile } from '../../shared/binary';
import { resultOptionsProperty, submissionOutputProperties } from '../../shared/descriptions';
import { invalidInput } from '../../shared/errors';
import { UUID_PATTERN } from '../../shared/values';

const UUID = UUID_PATTERN;
const UUID_ONLY = new RegExp(`^${UUID}$`);

/**
 * Anesya documents no upload limit. The whole request is built in memory, so we cap each file and
 * each upload at sizes that keep a batch of documents reasonable.
 */
export const ANESYA_MAX_FILE_BYTES = 20 * 1024 * 1024;
export const ANESYA_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** The file types Anesya extracts from ("accepted: .pdf / .png / .jpg / .jpeg"). */
const ACCEPTED_EXTENSIONS = new Set(['pdf', 'png', 'jpg', 'jpeg']);
const EXTENSION_OF_MIME: Record<string, string> = {
	'application/pdf': 'pdf',
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/pjpeg': 'jpg',
};

/** Checks a value that must be a UUID (Anesya's extract, schema, workflow and classifier IDs). */
export function checkUuid(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, displayName: string, fix: string): string {
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value) throw invalidInput(ctx.getNode(), itemIndex, displayName, 'is empty', fix);
	if (!UUID_ONLY.test(value)) {
		throw invalidInput(ctx.getNode(), itemIndex, displayName, `"${value}" is not a valid ID (Anesya IDs are UUIDs)`, fix);
	}
	return value.toLowerCase();
}

/** Reads a parameter (or resource locator) that must hold a UUID. */
export function readUuid(ctx: IExecuteFunctions, itemIndex: number, name: string, displayName: string, fix: string): string {
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	return checkUuid(ctx, itemIndex, raw, displayName, fix);
}

export const extractIdProperty: INodeProperties = {
	displayName: 'Extract ID',
	name: 'extractId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
	description:
		'The extract to use: output by Extract With Schema / Extract With Workflow as "_meta.extractId" (or "ID" when not waiting for completion), and by the Anesya Trigger',
};

export function extractIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return readUuid(ctx, itemIndex, 'extractId', 'Extract ID', 'Map the "_meta.extractId" of an extraction, or paste the ID from the Anesya dashboard.');
}

/** An extraction schema from the account's schemas (GET /schema/). */
export const schemaLocator: INodeProperties = {
	displayName: 'Schema',
	name: 'schema',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The extraction schema: which fields to extract. Schemas are created in the Anesya dashboard.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a schema...',
			typeOptions: { searchListMethod: 'searchSchemas', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
			validation: [
				{
					type: 'regex',
					properties: { regex: `^\\s*${UUID}\\s*$`, errorMessage: 'Not a valid schema ID (a UUID)' },
				},
			],
		},
	],
};

export function schemaIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return readUuid(ctx, itemIndex, 'schema', 'Schema', 'Pick a schema from the list, or paste its ID (a UUID).');
}

/** Result Options, with what Review Threshold can and cannot do for Anesya. */
export const anesyaResultOptionsProperty: INodeProperties = {
	...resultOptionsProperty,
	options: (resultOptionsProperty.options ?? []).map((option) =>
		option.name === 'reviewThreshold'
			? {
					...option,
					description:
						'Anesya returns no confidence scores, so no field is ever flagged: "needsReview" is always false and "reviewFields" empty. Kept so workflows can switch between services unchanged.',
				}
			: option,
	),
};

/** The parameters after the document of both upload operations: waiting, result shape, batch. */
export const uploadResultProperties: INodeProperties[] = submissionOutputProperties(anesyaResultOptionsProperty);

function extensionOf(fileName: string): string {
	const dot = fileName.lastIndexOf('.');
	return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** A checked document for an Anesya upload, and its size for the per-upload total. */
export interface AnesyaDocument {
	file: InputFile;
	byteLength: number;
}

/**
 * Checks one document before any request: the binary field exists, is not empty or too large, and
 * is a PDF, PNG or JPEG. Anesya decides by the file name's extension, so a file whose name lacks one
 * but whose MIME type is accepted is sent with the matching extension appended.
 */
export async function prepareAnesyaDocument(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	parameterName: string,
): Promise<AnesyaDocument> {
	const file = await prepareInputFile(ctx, itemIndex, field, {
		maxBytes: ANESYA_MAX_FILE_BYTES,
		serviceName: 'Anesya',
		parameterName,
	});
	const extension = extensionOf(file.fileName);
	const mimeExtension = EXTENSION_OF_MIME[file.mimeType.split(';')[0].trim().toLowerCase()];
	let fileName = file.fileName;
	if (!ACCEPTED_EXTENSIONS.has(extension)) {
		if (!mimeExtension) {
			throw invalidInput(
				ctx.getNode(),
				itemIndex,
				parameterName,
				`file "${file.fileName}" in binary field "${field}" is ${file.mimeType}, a type Anesya does not accept`,
				'Anesya extracts from PDF, PNG and JPEG files only (.pdf, .png, .jpg, .jpeg). Convert the document to PDF first, or leave such files out (for example with an If node on the file extension).',
			);
		}
		fileName = `${file.fileName}.${mimeExtension}`;
	}
	// Unknown only when n8n recorded no size; the upload-total check then counts what it knows.
	const byteLength = file.byteLength ?? 0;
	const named: InputFile =
		fileName === file.fileName ? file : { ...file, fileName, load: async () => ({ ...(await file.load()), fileName }) };
	return { file: named, byteLength };
}

/** Fails when the documents of one upload together exceed what one request may carry. */
export function checkUploadSize(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameterName: string,
	documents: AnesyaDocument[],
): void {
	const total = documents.reduce((sum, d) => sum + d.byteLength, 0);
	if (total > ANESYA_MAX_UPLOAD_BYTES) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			parameterName,
			`the ${documents.length} files of this item add up to ${formatBytes(total)}; one upload may carry at most ${formatBytes(ANESYA_MAX_UPLOAD_BYTES)}`,
			'Send the documents in several items (for example with Split Out on the attachments), or compress them first.',
		);
	}
}
