import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { invalidInput } from './errors';
import { base64Source, bufferSource, type FileSource } from './multipart';

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function fileNameOf(binary: IBinaryData, field: string): string {
	if (binary.fileName) return binary.fileName;
	const extension = binary.fileExtension ? `.${binary.fileExtension}` : '';
	return `${field}${extension}`;
}

/** A checked input file whose bytes are loaded only when it is sent. */
export interface InputFile {
	fileName: string;
	mimeType: string;
	field: string;
	/** Size in bytes, when known before loading. */
	byteLength?: number;
	load: () => Promise<FileSource>;
}

/**
 * Checks one input file before any API call — the field exists, the file is not empty, not too
 * large — in every binary-data mode n8n has (memory, filesystem, database, S3). Files stored outside
 * the item are only read by `load()`, so a large batch is never held in memory at once.
 */
export async function prepareInputFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	limits: { maxBytes: number; serviceName: string; parameterName?: string },
): Promise<InputFile> {
	const parameterName = limits.parameterName ?? 'Input Binary Field';
	const item = ctx.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	const binary = item?.binary?.[field];
	if (!field.trim()) {
		throw invalidInput(ctx.getNode(), itemIndex, parameterName, 'is empty', 'Enter the name of the binary field that holds the document, usually "data".');
	}
	if (!binary) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			parameterName,
			`the item has no binary field "${field}"`,
			available.length
				? `This item's binary fields are: ${available.map((f) => `"${f}"`).join(', ')}. Set ${parameterName} to one of them.`
				: 'This item carries no file. Put a node that produces a file before this one (e.g. Read/Write Files from Disk, an email trigger with attachments, HTTP Request with a file response), or use Extract From Text.',
		);
	}

	const fileName = fileNameOf(binary, field);
	const mimeType = binary.mimeType || 'application/octet-stream';
	const checkSize = (size: number) => {
		if (size === 0) {
			throw invalidInput(
				ctx.getNode(),
				itemIndex,
				parameterName,
				`file "${fileName}" in binary field "${field}" is empty`,
				'Check the node that produced the file; an empty document cannot be extracted.',
			);
		}
		if (size > limits.maxBytes) {
			throw invalidInput(
				ctx.getNode(),
				itemIndex,
				parameterName,
				`file "${fileName}" is ${formatBytes(size)}; ${limits.serviceName} accepts files up to ${formatBytes(limits.maxBytes)}`,
				'Split the document into smaller files (for example one per page range) or compress it before extraction.',
			);
		}
	};

	if (!binary.id) {
		const source = base64Source(binary.data, fileName, mimeType);
		checkSize(source.byteLength);
		return { fileName, mimeType, field, byteLength: source.byteLength, load: async () => source };
	}
	// Stored outside the item (filesystem, database, S3): check the recorded size, read on demand.
	const binaryId = binary.id;
	const metadata = await ctx.helpers.getBinaryMetadata(binaryId);
	const recordedSize = typeof metadata.fileSize === 'number' ? metadata.fileSize : undefined;
	if (recordedSize !== undefined) checkSize(recordedSize);
	return {
		fileName,
		mimeType,
		field,
		byteLength: recordedSize ?? binary.bytes,
		load: async () => {
			if (recordedSize !== undefined) return storedFileSource(ctx, binaryId, fileName, mimeType, recordedSize);
			const source = bufferSource(await ctx.helpers.getBinaryDataBuffer(itemIndex, field), fileName, mimeType);
			checkSize(source.byteLength);
			return source;
		},
	};
}

/** Chunk size when streaming a stored file into a request body. */
const STREAM_CHUNK_BYTES = 64 * 1024;

/**
 * A file in n8n's binary store, streamed straight into the request body: a 20 MB upload holds
 * 20 MB, not a read buffer plus a body copy.
 */
function storedFileSource(ctx: IExecuteFunctions, binaryId: string, fileName: string, mimeType: string, byteLength: number): FileSource {
	return {
		fileName,
		mimeType,
		byteLength,
		writeInto: async (target, offset) => {
			const stream = await ctx.helpers.getBinaryStream(binaryId, STREAM_CHUNK_BYTES);
			let written = 0;
			for await (const chunk of stream as AsyncIterable<Buffer>) {
				// A file larger than recorded would overrun the body; the caller reports the mismatch.
				if (written + chunk.length > byteLength) {
					stream.destroy();
					return written + chunk.length;
				}
				written += chunk.copy(target, offset + written);
			}
			return written;
		},
	};
}

/**
 * One output item carrying `content` as n8n binary data in `field`, stored the way the instance
 * stores binaries (filesystem, database, S3…). A name without extension gets the MIME type's one.
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

/** Last path segment, so a name sent as "a/b.pdf" cannot point outside where n8n stores it. */
function baseName(name: string): string {
	return name.split(/[/\\]/).pop()!.trim();
}

/**
 * File name from a Content-Disposition header (RFC 6266): the UTF-8 `filename*` form when present,
 * else `filename` (quoted or not). Undefined when the header names no file.
 */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		const decoded = (() => {
			try {
				return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
			} catch {
				// Malformed percent-encoding: fall back to the plain filename parameter.
				return undefined;
			}
		})();
		if (decoded && baseName(decoded)) return baseName(decoded);
	}
	const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
	const value = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
	return value && baseName(value) ? baseName(value) : undefined;
}

/** "text/csv; charset=utf-8" → "text/csv". */
export function mediaType(contentType: string | undefined): string | undefined {
	const type = contentType?.split(';')[0].trim().toLowerCase();
	return type || undefined;
}
