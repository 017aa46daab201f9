/**
 * multipart/form-data (RFC 7578) and urlencoded form parsing. Works on Buffers with native indexOf and
 * zero-copy subarrays, so 20+ MB uploads cost one pass.
 */

export interface FormPart {
	name: string;
	/** Set for file parts (possibly ''), undefined for plain fields. */
	filename?: string;
	contentType?: string;
	headers: Record<string, string>;
	data: Buffer;
}

export class FormParseError extends Error {}

export class FormParts {
	constructor(readonly parts: FormPart[]) {}

	/** Value of a non-file field (first occurrence). */
	field(name: string): string | undefined {
		const part = this.parts.find((p) => p.name === name && p.filename === undefined);
		return part?.data.toString('utf8');
	}

	/** First part with that name, file or not. */
	get(name: string): FormPart | undefined {
		return this.parts.find((p) => p.name === name);
	}

	all(name: string): FormPart[] {
		return this.parts.filter((p) => p.name === name);
	}

	has(name: string): boolean {
		return this.parts.some((p) => p.name === name);
	}
}

/** Parses a body as multipart or urlencoded form according to Content-Type; throws FormParseError otherwise. */
export function parseForm(contentType: string | undefined, body: Buffer): FormParts {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	if (type === 'multipart/form-data') {
		const boundary = getBoundary(contentType ?? '');
		if (!boundary) throw new FormParseError('multipart/form-data without a boundary parameter');
		return new FormParts(parseMultipart(body, boundary));
	}
	if (type === 'application/x-www-form-urlencoded') {
		const parts: FormPart[] = [];
		for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
			parts.push({ name, headers: {}, data: Buffer.from(value) });
		}
		return new FormParts(parts);
	}
	throw new FormParseError(`expected multipart/form-data, got ${type || 'no Content-Type'}`);
}

export function getBoundary(contentType: string): string | undefined {
	const params = parseHeaderParams(contentType);
	const boundary = params.params.boundary;
	return boundary && boundary.length <= 200 ? boundary : undefined;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
	const dashBoundary = Buffer.from(`--${boundary}`);
	// Every delimiter after the first is preceded by CRLF, which belongs to the delimiter, not the content.
	const delimiter = Buffer.from(`\r\n--${boundary}`);
	const parts: FormPart[] = [];

	let pos = body.indexOf(dashBoundary);
	if (pos === -1) throw new FormParseError('multipart body does not contain the boundary');
	if (pos > 0 && body.indexOf(delimiter) !== pos - 2) {
		// Preamble is allowed, but then the first delimiter must start a line.
		const crlfDelim = body.indexOf(delimiter);
		if (crlfDelim === -1) throw new FormParseError('malformed multipart preamble');
		pos = crlfDelim + 2;
	}
	pos += dashBoundary.length;

	for (let guard = 0; guard < 100_000; guard++) {
		// After a delimiter: "--" closes the body, otherwise optional whitespace then CRLF.
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
		while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
		else if (body[pos] === 0x0a) pos += 1;
		else throw new FormParseError('malformed multipart delimiter line');

		let headerEnd = body.indexOf(HEADER_END, pos);
		let headerEndLength = 4;
		if (headerEnd === -1 || headerEnd > pos + 16_384) {
			// Some hand-written clients use bare LF; accept it in the header block only.
			headerEnd = body.indexOf('\n\n', pos);
			headerEndLength = 2;
		}
		if (body.subarray(pos, pos + 2).equals(CRLF)) {
			headerEnd = pos;
			headerEndLength = 2;
		}
		if (headerEnd === -1) throw new FormParseError('multipart part without a header terminator');
		const headers = parsePartHeaders(body.subarray(pos, headerEnd).toString('utf8'));
		const contentStart = headerEnd + headerEndLength;
		const next = body.indexOf(delimiter, contentStart);
		if (next === -1) throw new FormParseError('multipart body is not terminated by the closing boundary');

		const disposition = parseHeaderParams(headers['content-disposition'] ?? '');
		if (disposition.value.toLowerCase() !== 'form-data' || disposition.params.name === undefined) {
			throw new FormParseError('multipart part without Content-Disposition: form-data; name=…');
		}
		const filename = disposition.params['filename*'] !== undefined ? decodeExtValue(disposition.params['filename*']) : disposition.params.filename;
		parts.push({
			name: disposition.params.name,
			filename,
			contentType: headers['content-type'],
			headers,
			data: body.subarray(contentStart, next),
		});
		pos = next + delimiter.length;
	}
	throw new FormParseError('too many multipart parts');
}

function parsePartHeaders(block: string): Record<string, string> {
	const headers: Record<string, string> = {};
	let last = '';
	for (const line of block.split(/\r?\n/)) {
		if (!line) continue;
		if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
			headers[last] += ` ${line.trim()}`; // obsolete header folding
			continue;
		}
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		last = line.slice(0, colon).trim().toLowerCase();
		headers[last] = line.slice(colon + 1).trim();
	}
	return headers;
}

/**
 * Parses `value; a=b; c="quoted \"x\""; d*=UTF-8''%E2%82%AC` into the value and lower-cased params.
 * Quoted strings may contain ';' and backslash escapes.
 */
export function parseHeaderParams(headerValue: string): { value: string; params: Record<string, string> } {
	const params: Record<string, string> = {};
	let i = headerValue.indexOf(';');
	const value = (i === -1 ? headerValue : headerValue.slice(0, i)).trim();
	if (i === -1) return { value, params };
	const s = headerValue;
	while (i < s.length) {
		i++; // skip ';'
		while (s[i] === ' ' || s[i] === '\t') i++;
		const eq = s.indexOf('=', i);
		const semi = s.indexOf(';', i);
		if (eq === -1 || (semi !== -1 && semi < eq)) {
			i = semi === -1 ? s.length : semi;
			continue;
		}
		const key = s.slice(i, eq).trim().toLowerCase();
		i = eq + 1;
		while (s[i] === ' ') i++;
		let val = '';
		if (s[i] === '"') {
			i++;
			while (i < s.length && s[i] !== '"') {
				if (s[i] === '\\' && i + 1 < s.length) i++;
				val += s[i];
				i++;
			}
			i++; // closing quote
			// Browsers and undici escape these three as %22 %0D %0A inside quoted names (WHATWG form encoding).
			val = val.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
			const nextSemi = s.indexOf(';', i);
			i = nextSemi === -1 ? s.length : nextSemi;
		} else {
			const end = s.indexOf(';', i);
			val = (end === -1 ? s.slice(i) : s.slice(i, end)).trim();
			i = end === -1 ? s.length : end;
		}
		if (key) params[key] = val;
	}
	return { value, params };
}

/** RFC 8187 ext-value: charset'language'percent-encoded. */
function decodeExtValue(ext: string): string {
	const m = /^([^']*)'[^']*'(.*)$/.exec(ext);
	if (!m) return ext;
	const charset = m[1].toLowerCase();
	const bytes: number[] = [];
	const raw = m[2];
	for (let i = 0; i < raw.length; i++) {
		if (raw[i] === '%' && /^[0-9a-f]{2}$/i.test(raw.slice(i + 1, i + 3))) {
			bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(raw.charCodeAt(i) & 0xff);
		}
	}
	return Buffer.from(bytes).toString(charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8');
}
