import type { IExecuteFunctions } from 'n8n-workflow';

import { formatBytes, prepareInputFile, type InputFile } from '../../shared/binary';
import { invalidInput } from '../../shared/errors';

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
