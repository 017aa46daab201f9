import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { invalidInput } from '../../../shared/errors';
import { checkUuid } from '../../actions/common.descriptions';
import { prepareAnesyaDocument } from '../../helpers/documentInput';
import { readPageRange } from '../../helpers/documentOptions';
import { uploadV0Document } from '../../transport';

/** Where the document of a parsing or extract comes from. */
export type V0InputKind = 'binary' | 'documentId' | 'url' | 'urlList' | 'parsingId';

/** One item's input, checked; `value` makes the only request (the upload of a binary file). */
export interface V0Input {
	/** The JSON field it goes in: a document (ID, URL or URL list) or a parsing ID. */
	field: 'document' | 'parsing';
	/** What each resulting job reads, for messages: one entry, or one per URL of a list. */
	labels: string[];
	value: (signal?: AbortSignal) => Promise<string | string[]>;
}

/** The parameter each input kind is read from, and its name in messages. */
const SOURCES: Record<Exclude<V0InputKind, 'binary' | 'urlList'>, { name: string; displayName: string; fix: string }> = {
	documentId: { name: 'documentId', displayName: 'Document ID', fix: 'Map the "id" output by Document → Upload, or paste the document ID (a UUID) from the Anesya dashboard.' },
	parsingId: { name: 'parsingId', displayName: 'Parsing ID', fix: 'Map the "_meta.parsingId" output by Parsing → Create, or paste the parsing ID (a UUID).' },
	url: { name: 'url', displayName: 'URL', fix: '' },
};

/** A public or pre-signed http(s) URL, checked; `displayName` names the parameter in errors. */
function checkUrl(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, displayName: string): string {
	const value = typeof raw === 'string' ? raw.trim() : '';
	const fix = 'Enter a public or pre-signed http(s) link to the document, e.g. https://example.com/invoice.pdf.';
	if (!value) throw invalidInput(ctx.getNode(), itemIndex, displayName, 'is empty', fix);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalidInput(ctx.getNode(), itemIndex, displayName, `"${value}" is not a URL`, fix);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw invalidInput(ctx.getNode(), itemIndex, displayName, `"${value}" is not an http(s) link`, fix);
	}
	return value;
}

/** URL List: an array (from an expression) or text with one URL per line, comma or space. */
function readUrlList(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter('urls', itemIndex, '') as unknown;
	const entries = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
	const urls = entries.filter((entry) => !(typeof entry === 'string' && entry.trim() === ''));
	if (urls.length === 0) {
		throw invalidInput(ctx.getNode(), itemIndex, 'URLs', 'holds no URL', 'Enter one public or pre-signed link per line, or map an array of links.');
	}
	return urls.map((entry, n) => checkUrl(ctx, itemIndex, entry, `URLs (entry ${n + 1})`));
}

/**
 * Reads and checks one item's input before any request. A binary file is stored with
 * POST /v0/documents first and then used by its document ID: the upload costs no credits, so one
 * whose answer got lost is sent again, and the paid step that follows is a small JSON request.
 */
export async function prepareV0Input(
	ctx: IExecuteFunctions,
	itemIndex: number,
	upload: { metadata?: IDataObject; pages?: { pdfPageStart?: unknown; pdfPageEnd?: unknown } } = {},
): Promise<V0Input> {
	const kind = ctx.getNodeParameter('input', itemIndex, 'binary') as V0InputKind;
	if (kind === 'binary') {
		const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
		const range = readPageRange(ctx, itemIndex, upload.pages ?? {});
		const { file } = await prepareAnesyaDocument(ctx, itemIndex, field, 'Input Binary Field');
		// Trimming applies to PDFs only ("Optional first PDF page to keep").
		const pdf = file.fileName.toLowerCase().endsWith('.pdf');
		return {
			field: 'document',
			labels: [`"${file.fileName}"`],
			value: async (signal) => {
				const stored = await uploadV0Document(
					ctx,
					{ file: await file.load(), metadata: upload.metadata, pageStart: pdf ? range.start : undefined, pageEnd: pdf ? range.end : undefined },
					{ itemIndex, signal, repeatable: true },
				);
				return stored.id as string;
			},
		};
	}
	if (kind === 'urlList') {
		const urls = readUrlList(ctx, itemIndex);
		return { field: 'document', labels: urls.map((url) => `"${url}"`), value: async () => urls };
	}
	const source = SOURCES[kind];
	if (!source) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Input', `"${String(kind)}" is not an input this operation reads`, 'Choose one of the offered inputs.');
	}
	const raw = ctx.getNodeParameter(source.name, itemIndex, '') as unknown;
	if (kind === 'url') {
		const url = checkUrl(ctx, itemIndex, raw, source.displayName);
		return { field: 'document', labels: [`"${url}"`], value: async () => url };
	}
	const id = checkUuid(ctx, itemIndex, raw, source.displayName, source.fix);
	return {
		field: kind === 'parsingId' ? 'parsing' : 'document',
		labels: [kind === 'parsingId' ? `parsing ${id}` : `document ${id}`],
		value: async () => id,
	};
}
