import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalidInput } from '../../shared/errors';

/** Metadata as the node stores it: a fixedCollection of key/value entries. */
export interface MetadataEntries {
	values?: Array<{ key?: unknown; value?: unknown }>;
}

/** Key-value metadata stored with a document, parsing or extract (both API generations). */
export function metadataProperty(description: string): INodeProperties {
	return {
		displayName: 'Metadata',
		name: 'metadata',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add metadata',
		default: {},
		description,
		options: [
			{
				displayName: 'Entry',
				name: 'values',
				values: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'e.g. order_id' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'e.g. 1234567890' },
				],
			},
		],
	};
}

/** The Metadata entries as one flat object; undefined when there are none. */
export function readMetadata(ctx: IExecuteFunctions, itemIndex: number, metadata: MetadataEntries | undefined): IDataObject | undefined {
	const entries = metadata?.values ?? [];
	if (entries.length === 0) return undefined;
	const out: IDataObject = {};
	entries.forEach((entry, n) => {
		const key = typeof entry.key === 'string' ? entry.key.trim() : String(entry.key ?? '').trim();
		if (!key) {
			throw invalidInput(ctx.getNode(), itemIndex, 'Metadata', `entry ${n + 1} has no key`, 'Give every metadata entry a key, or remove the empty entry.');
		}
		if (key in out) {
			throw invalidInput(ctx.getNode(), itemIndex, 'Metadata', `the key "${key}" appears twice`, 'Use each key once; combine the values if you need both.');
		}
		out[key] = (entry.value ?? '') as IDataObject[string];
	});
	return out;
}

/** PDF Page Start / PDF Page End (1-based, inclusive); `noun` says what is kept, e.g. "extract from". */
export function pageRangeProperties(noun: string): INodeProperties[] {
	return [
		{
			displayName: 'PDF Page End',
			name: 'pdfPageEnd',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 1,
			description: `Last page of a PDF to ${noun} (1 = first page, inclusive). Ignored for images.`,
		},
		{
			displayName: 'PDF Page Start',
			name: 'pdfPageStart',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 1,
			description: `First page of a PDF to ${noun} (1 = first page). Ignored for images.`,
		},
	];
}

/** A checked page range; either end may be open. */
export function readPageRange(ctx: IExecuteFunctions, itemIndex: number, options: { pdfPageStart?: unknown; pdfPageEnd?: unknown }): { start?: number; end?: number } {
	const read = (value: unknown, displayName: string): number | undefined => {
		if (value === undefined || value === null || value === '') return undefined;
		const n = Number(value);
		if (!Number.isInteger(n) || n < 1) {
			throw invalidInput(ctx.getNode(), itemIndex, displayName, `"${String(value)}" is not a whole page number of at least 1`, 'Pages are numbered from 1; enter e.g. 1 for the first page.');
		}
		return n;
	};
	const start = read(options.pdfPageStart, 'PDF Page Start');
	const end = read(options.pdfPageEnd, 'PDF Page End');
	if (start !== undefined && end !== undefined && start > end) {
		throw invalidInput(ctx.getNode(), itemIndex, 'PDF Page End', `page ${end} comes before PDF Page Start (${start})`, 'Set PDF Page End to the same page as PDF Page Start or a later one.');
	}
	return { start, end };
}

/** A page range as Anesya's query parameters (both generations name them alike); empty when open. */
export function pageRangeQuery(range: { start?: number; end?: number }): IDataObject {
	const qs: IDataObject = {};
	if (range.start !== undefined) qs.pdf_page_start = range.start;
	if (range.end !== undefined) qs.pdf_page_end = range.end;
	return qs;
}

/** Metadata Key / Metadata Value filters of a Get Many (both generations search metadata alike). */
export function metadataFilterProperties(noun: string): INodeProperties[] {
	return [
		{
			displayName: 'Metadata Key',
			name: 'metaKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. order_id',
			description: `Only ${noun} whose metadata has this key (with Metadata Value: this key holding that value)`,
		},
		{
			displayName: 'Metadata Value',
			name: 'metaValue',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1234567890',
			description: `Only ${noun} whose metadata holds this value`,
		},
	];
}

/** The metadata filters as query parameters. */
export function metadataFilterQuery(filters: { metaKey?: string; metaValue?: string }): IDataObject {
	const qs: IDataObject = {};
	if (filters.metaKey?.trim()) qs.meta_key = filters.metaKey.trim();
	if (filters.metaValue !== undefined && filters.metaValue !== '') qs.meta_value = filters.metaValue;
	return qs;
}
