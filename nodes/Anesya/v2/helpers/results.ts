import type { IDataObject } from 'n8n-workflow';

import { shapeResult, type ExtractedField, type ExtractionResult, type ShapeOptions } from '../../../shared/items';
import { isObject } from '../../../shared/values';
import { parseAnesyaValue } from '../../helpers/results';

/**
 * Final statuses of a v0 parsing or extract. The docs confirm FINISHED, PARTIAL_FINISHED and ERROR;
 * COMPLETED and FAILED are the webhook events' words, read defensively. Anything else is running.
 */
const SUCCEEDED = new Set(['FINISHED', 'PARTIAL_FINISHED', 'COMPLETED']);
const FAILED = new Set(['ERROR', 'FAILED']);

export type V0Phase = 'succeeded' | 'failed' | 'running';

export function phaseOf(resource: IDataObject): V0Phase {
	const status = typeof resource.status === 'string' ? resource.status.toUpperCase() : '';
	if (SUCCEEDED.has(status)) return 'succeeded';
	if (FAILED.has(status)) return 'failed';
	return 'running';
}

function stringOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** An ID field that may come as the ID or as a nested object with `id`. */
function idOf(value: unknown): string | null {
	return isObject(value) ? stringOrNull(value.id) : stringOrNull(value);
}

/** Anesya's failure text, when the resource carries one. */
export function failureText(resource: IDataObject): string | undefined {
	for (const key of ['error', 'error_message', 'detail']) {
		const value = resource[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	return undefined;
}

/** One page of a parsing's OCR content. */
export interface OcrPage {
	page: number;
	status: string | null;
	text: string | null;
	error: string | null;
}

/**
 * `ocr_content` page by page. Its shape is not documented ("page-level parsing data"): a list of
 * page objects, of strings, or an object holding `pages` are all read; the Raw output keeps it as is.
 */
export function ocrPages(parsing: IDataObject): OcrPage[] {
	const content = parsing.ocr_content;
	const list = Array.isArray(content) ? content : isObject(content) && Array.isArray(content.pages) ? content.pages : [];
	return (list as unknown[]).map((entry, i) => {
		if (!isObject(entry)) return { page: i + 1, status: null, text: typeof entry === 'string' ? entry : null, error: null };
		const number = Number(entry.page ?? entry.page_number ?? entry.index);
		const text = [entry.text, entry.content, entry.markdown].find((value) => typeof value === 'string');
		return {
			page: Number.isInteger(number) ? number : i + 1,
			status: stringOrNull(entry.status),
			text: (text as string | undefined) ?? null,
			error: stringOrNull(entry.error),
		};
	});
}

/** Pages the parsing reports as failed (PARTIAL_FINISHED = "one or more pages failed"). */
function failedPages(pages: OcrPage[]): number[] {
	return pages.filter((p) => p.error !== null || FAILED.has((p.status ?? '').toUpperCase())).map((p) => p.page);
}

export function parsingMeta(parsing: IDataObject): IDataObject {
	return {
		parsingId: stringOrNull(parsing.id),
		status: stringOrNull(parsing.status),
		documentId: idOf(parsing.document),
		model: stringOrNull(parsing.model),
		metadata: isObject(parsing.metadata) ? parsing.metadata : null,
		error: failureText(parsing) ?? null,
		createdAt: stringOrNull(parsing.created_at),
	};
}

/**
 * A parsing as one item. Simplified: the markdown, the OCR pages with their status, and whether
 * some pages failed (`partial`, `failedPages`); Raw: the API's answer. One still running has no
 * markdown yet and its status in `_meta`.
 */
export function shapeParsing(parsing: IDataObject, output: ShapeOptions['output']): IDataObject {
	if (output === 'raw') return parsing;
	const pages = ocrPages(parsing);
	const failed = failedPages(pages);
	const partial = String(parsing.status).toUpperCase() === 'PARTIAL_FINISHED';
	return {
		markdown: typeof parsing.markdown_content === 'string' ? parsing.markdown_content : null,
		pages: pages as unknown as IDataObject[],
		partial,
		failedPages: failed,
		...(partial
			? { warning: `Anesya parsed this document only in part${failed.length ? `: page${failed.length > 1 ? 's' : ''} ${failed.join(', ')} failed` : ''}` }
			: {}),
		_meta: parsingMeta(parsing),
	};
}

export function v0ExtractMeta(extract: IDataObject): IDataObject {
	return {
		extractId: stringOrNull(extract.id),
		status: stringOrNull(extract.status),
		schemaId: idOf(extract.schema),
		parsingId: idOf(extract.parsing),
		documentId: idOf(extract.document),
		metadata: isObject(extract.metadata) ? extract.metadata : null,
		error: failureText(extract) ?? null,
		createdAt: stringOrNull(extract.created_at),
	};
}

/** A v0 Extract in the vendor-neutral form: `result` holds the fields; v0 gives no confidences. */
export function parseV0Extract(extract: IDataObject, text?: string | null): ExtractionResult {
	const data = extract.result;
	const fields: Record<string, ExtractedField> = {};
	if (isObject(data)) {
		for (const [name, value] of Object.entries(data)) fields[name] = parseAnesyaValue(value);
	} else if (data !== null && data !== undefined) {
		fields.result = parseAnesyaValue(data);
	}
	return { fields, meta: v0ExtractMeta(extract), raw: extract, text: text ?? null };
}

/** Output items of one v0 Extract; one that has not finished has no fields to split. */
export function shapeV0Extract(extract: IDataObject, shape: ShapeOptions, text?: string | null): IDataObject[] {
	const finished = phaseOf(extract) === 'succeeded';
	return shapeResult(parseV0Extract(extract, text), finished ? shape : { ...shape, splitField: undefined });
}
