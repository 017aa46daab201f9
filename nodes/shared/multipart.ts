import { randomBytes } from 'node:crypto';

/** File content that knows its size and writes itself into a buffer (no intermediate copies). */
export interface FileSource {
	fileName: string;
	mimeType: string;
	byteLength: number;
	/** Writes the content at `offset`; resolves with the number of bytes written. */
	writeInto(target: Buffer, offset: number): Promise<number>;
}

/** A form field: text, or a file part sent with its file name and MIME type. */
export type MultipartPart = { field: string; text: string } | { field: string; file: FileSource };

export function bufferSource(data: Buffer, fileName: string, mimeType: string): FileSource {
	return {
		fileName,
		mimeType,
		byteLength: data.length,
		writeInto: async (target, offset) => data.copy(target, offset),
	};
}

/** n8n keeps in-memory binary data as base64; decode it straight into the request body. */
export function base64Source(base64: string, fileName: string, mimeType: string): FileSource {
	return {
		fileName,
		mimeType,
		byteLength: Buffer.byteLength(base64, 'base64'),
		writeInto: async (target, offset) => target.write(base64, offset, 'base64'),
	};
}

// Field names and file names are escaped the way browsers encode FormData (WHATWG HTML spec):
// UTF-8 bytes as-is, with ", CR and LF percent-encoded.
function escapeHeaderValue(value: string): string {
	return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function safeMimeType(mimeType: string): string {
	const clean = mimeType.replace(/[\r\n]/g, '').trim();
	return clean || 'application/octet-stream';
}

/**
 * A multipart/form-data body as one Buffer of known length: n8n's HTTP helper then sends it with
 * Content-Length (some upload endpoints hang on chunked bodies), and it can be resent unchanged
 * after a 429.
 */
export async function buildMultipart(
	parts: MultipartPart[],
	boundary = `----n8nDocumentExtraction${randomBytes(12).toString('hex')}`,
): Promise<{ body: Buffer; contentType: string; boundary: string }> {
	const heads = parts.map((part) => {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeHeaderValue(part.field)}"`;
		if ('file' in part) {
			head += `; filename="${escapeHeaderValue(part.file.fileName)}"\r\nContent-Type: ${safeMimeType(part.file.mimeType)}`;
		}
		return Buffer.from(`${head}\r\n\r\n`, 'utf8');
	});
	const values = parts.map((part) => ('file' in part ? undefined : Buffer.from(part.text, 'utf8')));
	const tail = Buffer.from(`--${boundary}--\r\n`, 'utf8');
	const CRLF_LENGTH = 2;

	let total = tail.length;
	parts.forEach((part, i) => {
		total += heads[i].length + ('file' in part ? part.file.byteLength : values[i]!.length) + CRLF_LENGTH;
	});

	const body = Buffer.allocUnsafe(total);
	let offset = 0;
	for (const [i, part] of parts.entries()) {
		offset += heads[i].copy(body, offset);
		if ('file' in part) {
			const written = await part.file.writeInto(body, offset);
			if (written !== part.file.byteLength) {
				throw new Error(`File "${part.file.fileName}" holds ${written} bytes, expected ${part.file.byteLength}`);
			}
			offset += written;
		} else {
			offset += values[i]!.copy(body, offset);
		}
		offset += body.write('\r\n', offset, 'latin1');
	}
	offset += tail.copy(body, offset);
	if (offset !== total) throw new Error(`Multipart body length mismatch (${offset} != ${total})`);

	return { body, contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}
