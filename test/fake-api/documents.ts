/**
 * Turns uploaded bytes into a FakeDocument with plain text: text parts and text files as they are, PDFs by
 * reading their content streams (uncompressed or Flate), anything else through the optional sidecar-text map.
 */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { sha256Hex } from './ids';
import type { FakeDocument } from './types';

const TEXT_EXTENSIONS = new Set(['txt', 'text', 'md', 'markdown', 'csv', 'tsv', 'json', 'html', 'htm', 'xml', 'eml']);
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'bmp', 'tif', 'tiff', 'webp']);

const CONTENT_TYPES: Record<string, string> = {
	pdf: 'application/pdf',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	tif: 'image/tiff',
	tiff: 'image/tiff',
	txt: 'text/plain',
	md: 'text/markdown',
	markdown: 'text/markdown',
	csv: 'text/csv',
	json: 'application/json',
	html: 'text/html',
	htm: 'text/html',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function extensionOf(fileName: string): string {
	const m = /\.([a-z0-9]+)$/i.exec(fileName);
	return m ? m[1].toLowerCase() : '';
}

export function contentTypeFor(fileName: string, declared?: string): string {
	const clean = declared?.split(';')[0].trim().toLowerCase();
	if (clean && clean !== 'application/octet-stream') return declared!.trim();
	return CONTENT_TYPES[extensionOf(fileName)] ?? 'application/octet-stream';
}

export function documentFromText(text: string, fileName: string): FakeDocument {
	const bytes = Buffer.from(text, 'utf8');
	return {
		fileName,
		contentType: 'text/plain; charset=utf-8',
		bytes,
		size: bytes.length,
		sha256: sha256Hex(bytes),
		source: 'text',
		kind: 'text',
		text: normaliseNewlines(text),
		pages: countPages(text),
	};
}

export function documentFromFile(bytes: Buffer, fileName: string, declaredType: string | undefined, sidecarText?: Record<string, string>): FakeDocument {
	const ext = extensionOf(fileName);
	const contentType = contentTypeFor(fileName, declaredType);
	const sha256 = sha256Hex(bytes);
	const sidecar = sidecarText?.[sha256];
	const base = { fileName, contentType, bytes, size: bytes.length, sha256, source: 'file' as const };

	if (isPdf(bytes)) {
		const pdf = pdfText(bytes);
		const text = sidecar ?? pdf.text;
		return { ...base, kind: 'pdf', text: normaliseNewlines(text), pages: sidecar === undefined ? pdf.pages : Math.max(pdf.pages, countPages(text)) };
	}
	if (TEXT_EXTENSIONS.has(ext) || contentType.toLowerCase().startsWith('text/')) {
		const text = sidecar ?? bytes.toString('utf8').replace(/^\uFEFF/, '');
		return { ...base, kind: 'text', text: normaliseNewlines(text), pages: countPages(text) };
	}
	const kind = IMAGE_EXTENSIONS.has(ext) || contentType.startsWith('image/') || looksLikeImage(bytes) ? 'image' : 'binary';
	const text = sidecar ?? '';
	return { ...base, kind, text: normaliseNewlines(text), pages: Math.max(1, countPages(text)) };
}

function normaliseNewlines(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

/** Pages are separated by form feeds; an empty document still has one page. */
export function countPages(text: string): number {
	return Math.max(1, text.split('\f').length);
}

export function isPdf(bytes: Buffer): boolean {
	return bytes.subarray(0, 1024).includes('%PDF-');
}

function looksLikeImage(bytes: Buffer): boolean {
	const head = bytes.subarray(0, 4);
	return (
		head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || // PNG
		(head[0] === 0xff && head[1] === 0xd8) || // JPEG
		head.subarray(0, 3).toString('latin1') === 'GIF'
	);
}

// ---------------------------------------------------------------- PDF

interface PdfStream {
	objNum: number | undefined;
	dict: string;
	data: Buffer;
}

/**
 * Text of a PDF, page by page (joined with \f). Pages are taken in file order, each with the text of its
 * /Contents streams; when pages cannot be resolved (e.g. object streams), all content streams form one text.
 */
export function pdfText(bytes: Buffer): { text: string; pages: number } {
	const raw = bytes.toString('latin1');
	const streams = findStreams(bytes, raw);
	const texts = new Map<number, string>();
	const unnumbered: string[] = [];
	for (const stream of streams) {
		const decoded = decodeStream(stream);
		if (!decoded) continue;
		const content = decoded.toString('latin1');
		if (!/T[jJ*]|'|"/.test(content) || !/\bBT\b/.test(content)) continue;
		const text = contentStreamText(content);
		if (stream.objNum !== undefined) texts.set(stream.objNum, text);
		else unnumbered.push(text);
	}

	const pageTexts: string[] = [];
	const pageRe = /\/Type\s*\/Page(?![a-zA-Z])/g;
	let pageCount = 0;
	for (let m = pageRe.exec(raw); m; m = pageRe.exec(raw)) {
		pageCount++;
		const objStart = raw.lastIndexOf(' obj', m.index);
		const objEnd = raw.indexOf('endobj', m.index);
		const pageDict = raw.slice(objStart === -1 ? m.index : objStart, objEnd === -1 ? undefined : objEnd);
		const contents = /\/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)/.exec(pageDict);
		if (!contents) {
			pageTexts.push('');
			continue;
		}
		const refs = [...contents[1].matchAll(/(\d+)\s+\d+\s+R/g)].map((r) => Number(r[1]));
		pageTexts.push(refs.map((ref) => texts.get(ref) ?? '').filter(Boolean).join('\n'));
	}
	const resolved = pageTexts.some((t) => t.length > 0);
	const text = resolved ? pageTexts.join('\f') : [...texts.values(), ...unnumbered].join('\n');
	return { text: text.replace(/[ \t]+\n/g, '\n'), pages: Math.max(1, pageCount) };
}

function findStreams(bytes: Buffer, raw: string): PdfStream[] {
	const streams: PdfStream[] = [];
	let pos = 0;
	for (let guard = 0; guard < 100_000; guard++) {
		const at = raw.indexOf('stream', pos);
		if (at === -1) break;
		pos = at + 6;
		if (raw.slice(at - 3, at) === 'end') continue;
		let dataStart = at + 6;
		if (raw[dataStart] === '\r') dataStart++;
		if (raw[dataStart] !== '\n') continue;
		dataStart++;
		const objAt = raw.lastIndexOf(' obj', at);
		const dict = raw.slice(objAt === -1 ? Math.max(0, at - 2000) : objAt, at);
		const numMatch = objAt === -1 ? null : /(\d+)\s+\d+$/.exec(raw.slice(Math.max(0, objAt - 24), objAt));
		const lengthMatch = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
		let dataEnd = lengthMatch ? dataStart + Number(lengthMatch[1]) : -1;
		if (dataEnd < 0 || dataEnd > raw.length || raw.indexOf('endstream', dataEnd) - dataEnd > 4) {
			dataEnd = raw.indexOf('endstream', dataStart);
			if (dataEnd === -1) break;
			while (dataEnd > dataStart && (raw[dataEnd - 1] === '\n' || raw[dataEnd - 1] === '\r')) dataEnd--;
		}
		streams.push({ objNum: numMatch ? Number(numMatch[1]) : undefined, dict, data: bytes.subarray(dataStart, dataEnd) });
		pos = dataEnd;
	}
	return streams;
}

function decodeStream(stream: PdfStream): Buffer | undefined {
	if (/\/Subtype\s*\/Image|\/Type\s*\/(XRef|ObjStm|XObject)/.test(stream.dict)) return undefined;
	const filter = /\/Filter\s*(\[[^\]]*\]|\/\w+)/.exec(stream.dict)?.[1] ?? '';
	const filters = [...filter.matchAll(/\/(\w+)/g)].map((f) => f[1]);
	let data = stream.data;
	for (const f of filters) {
		if (f !== 'FlateDecode' && f !== 'Fl') return undefined; // DCT, LZW, ... carry no text we can read
		try {
			data = inflateSync(data);
		} catch {
			try {
				data = inflateRawSync(data);
			} catch {
				return undefined;
			}
		}
	}
	return data;
}

/** Reads text-showing operators (Tj, TJ, ', ") and starts a new line whenever the baseline moves. */
export function contentStreamText(content: string): string {
	const lines: string[] = [];
	let line = '';
	let y = 0;
	let lineY: number | undefined;
	let leading = 0;
	let moved = false;
	const operands: Array<string | number | Array<string | number>> = [];

	const show = (text: string) => {
		if (lineY !== undefined && Math.abs(y - lineY) > 0.5) {
			lines.push(line);
			line = '';
		} else if (moved && line.length > 0 && !line.endsWith(' ')) {
			line += '  '; // same baseline, new position: a column gap
		}
		lineY = y;
		moved = false;
		line += text;
	};

	const num = (v: unknown) => (typeof v === 'number' ? v : 0);
	let i = 0;
	const n = content.length;
	while (i < n) {
		const c = content[i];
		if (c === '%') {
			while (i < n && content[i] !== '\n' && content[i] !== '\r') i++;
		} else if (c === '(') {
			const [s, next] = readLiteralString(content, i);
			operands.push(s);
			i = next;
			continue;
		} else if (c === '<' && content[i + 1] !== '<') {
			const end = content.indexOf('>', i);
			operands.push(decodePdfBytes(hexToLatin1(content.slice(i + 1, end === -1 ? n : end))));
			i = end === -1 ? n : end + 1;
			continue;
		} else if (c === '[') {
			const arr: Array<string | number> = [];
			i++;
			while (i < n && content[i] !== ']') {
				const d = content[i];
				if (d === '(') {
					const [s, next] = readLiteralString(content, i);
					arr.push(s);
					i = next;
				} else if (d === '<') {
					const end = content.indexOf('>', i);
					arr.push(decodePdfBytes(hexToLatin1(content.slice(i + 1, end === -1 ? n : end))));
					i = end === -1 ? n : end + 1;
				} else if (/[-+.\d]/.test(d)) {
					const m = /^[-+]?(?:\d+\.?\d*|\.\d+)/.exec(content.slice(i, i + 32));
					arr.push(m ? Number(m[0]) : 0);
					i += m ? m[0].length : 1;
				} else i++;
			}
			operands.push(arr);
			i++;
			continue;
		} else if (/[-+.\d]/.test(c)) {
			const m = /^[-+]?(?:\d+\.?\d*|\.\d+)/.exec(content.slice(i, i + 32));
			operands.push(m ? Number(m[0]) : 0);
			i += m ? m[0].length : 1;
			continue;
		} else if (c === '/') {
			const m = /^\/[^\s/[\]()<>{}%]*/.exec(content.slice(i, i + 128));
			operands.push(m ? m[0] : '/');
			i += m ? m[0].length : 1;
			continue;
		} else if (/[A-Za-z'"*]/.test(c)) {
			const m = /^[A-Za-z'"*]+/.exec(content.slice(i, i + 16));
			const op = m ? m[0] : c;
			i += op.length;
			switch (op) {
				case 'BT':
					y = 0;
					moved = true;
					break;
				case 'Td':
				case 'TD': {
					const ty = num(operands[operands.length - 1]);
					const tx = num(operands[operands.length - 2]);
					if (op === 'TD') leading = -ty;
					y += ty;
					if (tx !== 0 || ty !== 0) moved = true;
					break;
				}
				case 'Tm':
					y = num(operands[operands.length - 1]);
					moved = true;
					break;
				case 'TL':
					leading = num(operands[operands.length - 1]);
					break;
				case 'T*':
					y -= leading || 1;
					break;
				case 'Tj': {
					const s = operands[operands.length - 1];
					if (typeof s === 'string') show(s);
					break;
				}
				case "'":
				case '"': {
					y -= leading || 1;
					const s = operands[operands.length - 1];
					if (typeof s === 'string') show(s);
					break;
				}
				case 'TJ': {
					const arr = operands[operands.length - 1];
					if (Array.isArray(arr)) {
						let s = '';
						for (const part of arr) {
							if (typeof part === 'string') s += part;
							else if (part < -250) s += ' '; // a large negative kerning is a word gap
						}
						show(s);
					}
					break;
				}
				default:
					break;
			}
			operands.length = 0;
			continue;
		}
		i++;
	}
	if (line) lines.push(line);
	return lines.map((l) => l.trimEnd()).join('\n');
}

function readLiteralString(content: string, start: number): [string, number] {
	let depth = 0;
	let out = '';
	let i = start;
	for (; i < content.length; i++) {
		const c = content[i];
		if (c === '\\') {
			const d = content[i + 1];
			i++;
			if (d === 'n') out += '\n';
			else if (d === 'r') out += '\r';
			else if (d === 't') out += '\t';
			else if (d === 'b') out += '\b';
			else if (d === 'f') out += '\f';
			else if (d === '\r' || d === '\n') {
				if (d === '\r' && content[i + 1] === '\n') i++; // line continuation
			} else if (/[0-7]/.test(d)) {
				const m = /^[0-7]{1,3}/.exec(content.slice(i, i + 3))!;
				out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
				i += m[0].length - 1;
			} else out += d;
			continue;
		}
		if (c === '(') {
			depth++;
			if (depth === 1) continue;
		} else if (c === ')') {
			depth--;
			if (depth === 0) return [decodePdfBytes(out), i + 1];
		}
		out += c;
	}
	return [decodePdfBytes(out), i];
}

function hexToLatin1(hex: string): string {
	const clean = hex.replace(/[^0-9a-f]/gi, '');
	const padded = clean.length % 2 ? `${clean}0` : clean;
	return Buffer.from(padded, 'hex').toString('latin1');
}

/** PDF strings are bytes: UTF-16BE when they start with a BOM, else (roughly) Latin-1/WinAnsi. */
function decodePdfBytes(latin1: string): string {
	if (latin1.charCodeAt(0) === 0xfe && latin1.charCodeAt(1) === 0xff) {
		const buf = Buffer.from(latin1.slice(2), 'latin1');
		let out = '';
		for (let i = 0; i + 1 < buf.length; i += 2) out += String.fromCharCode((buf[i] << 8) | buf[i + 1]);
		return out;
	}
	return latin1;
}
