import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalidInput } from '../../../shared/errors';
import { binaryOutputItem } from '../../../shared/binary';
import { outputBinaryFieldProperty, outputProperty, readOutputBinaryField, readShapeOptions, resultOptionsProperty } from '../../../shared/descriptions';
import { shapeResult, type ShapeOptions } from '../../../shared/items';
import { isObject } from '../../../shared/values';
import { exportFilterQuery } from '../../helpers/exportFilters';
import { withFieldTypes, workflowFieldTypes } from '../../helpers/fieldTypes';
import { parseAnyformatResults } from '../../helpers/results';
import { anyformatBody, anyformatRequest } from '../../transport';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

const FILE_FORMATS: Record<string, { extension: string; mimeType: string }> = {
	csv: { extension: 'csv', mimeType: 'text/csv' },
	jsonl: { extension: 'jsonl', mimeType: 'application/x-ndjson' },
};

/** A filter of one or more conditions (combined with AND), e.g. a date range as "On or After" + "Before". */
function conditionsFilter(displayName: string, name: string, description: string, condition: INodeProperties[]): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		description,
		options: [{ displayName: 'Condition', name: 'conditions', values: condition }],
	};
}

const dateCondition: INodeProperties[] = [
	{
		displayName: 'Comparison',
		name: 'comparison',
		type: 'options',
		options: [
			{ name: 'After', value: 'after' },
			{ name: 'Before', value: 'before' },
			{ name: 'On', value: 'on' },
			{ name: 'On or After', value: 'onOrAfter' },
			{ name: 'On or Before', value: 'onOrBefore' },
		],
		default: 'onOrAfter',
	},
	{
		displayName: 'Date',
		name: 'date',
		type: 'dateTime',
		default: '',
		description: 'A time of midnight (or none) compares whole days',
	},
];

const fileNameCondition: INodeProperties[] = [
	{
		displayName: 'Match',
		name: 'match',
		type: 'options',
		options: [
			{ name: 'Contains', value: 'contains' },
			{ name: 'Does Not Contain', value: 'notContains' },
			{ name: 'Does Not Equal', value: 'notEquals' },
			{ name: 'Ends With', value: 'endsWith' },
			{ name: 'Equals', value: 'equals' },
			{ name: 'Starts With', value: 'startsWith' },
		],
		default: 'contains',
	},
	{ displayName: 'Text', name: 'value', type: 'string', default: '', placeholder: 'e.g. invoice' },
];

const properties: INodeProperties[] = [
	{ ...workflowLocator, description: 'The workflow whose extraction results to export (all its documents)' },
	{
		displayName: 'Output Format',
		name: 'outputFormat',
		type: 'options',
		options: [
			{ name: 'CSV', value: 'csv', description: 'One file: a table with a row per document' },
			{ name: 'JSON', value: 'json', description: 'One item per document with its status and results' },
			{ name: 'JSON Lines', value: 'jsonl', description: 'One file with a JSON object per document on each line' },
		],
		default: 'json',
	},
	{ ...outputBinaryFieldProperty, displayOptions: { show: { outputFormat: ['csv', 'jsonl'] } } },
	{ ...outputProperty, displayOptions: { show: { outputFormat: ['json'] } } },
	{ ...resultOptionsProperty, displayOptions: { show: { outputFormat: ['json'] }, hide: { output: ['raw'] } } },
	{
		displayName: 'Results as Lists',
		name: 'asLists',
		type: 'boolean',
		default: false,
		displayOptions: { show: { outputFormat: ['json'], output: ['raw'] } },
		description: 'Whether to wrap every single extracted value in a list, so each field has the same shape whether it holds one value or several',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			conditionsFilter('Created', 'created', 'Only documents uploaded in this period', dateCondition),
			conditionsFilter('File Name', 'fileName', 'Only documents whose file name matches (upper and lower case alike)', fileNameCondition),
			conditionsFilter('Last Processed', 'lastProcessed', 'Only documents whose extraction last finished in this period', dateCondition),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['exportResults'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const workflowId = workflowIdOf(this, itemIndex);
	const format = this.getNodeParameter('outputFormat', itemIndex, 'json') as string;
	if (format !== 'json' && !FILE_FORMATS[format]) {
		throw invalidInput(this.getNode(), itemIndex, 'Output Format', `"${format}" is not a known format`, 'Pick CSV, JSON or JSON Lines.');
	}
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const query = exportFilterQuery(filters, this.getTimezone());
	if ('error' in query) throw invalidInput(this.getNode(), itemIndex, query.error.parameter, query.error.problem, query.error.fix);
	const qs: IDataObject = { output_format: format, ...query.qs };
	// Legacy (v1) endpoint: authenticated by the credential's x-api-key header.
	const path = `/workflows/${encodeURIComponent(workflowId)}/results/`;

	if (format === 'json') {
		const shape = readShapeOptions(this, itemIndex);
		if (shape.output === 'raw' && (this.getNodeParameter('asLists', itemIndex, false) as boolean)) qs.as_lists = 'true';
		const body = await anyformatBody(this, { method: 'GET', path, qs, timeoutMs: 300_000, itemIndex });
		// Keyed by file name: one item per document.
		const entries = Object.entries(body ?? {}).map(([fileName, entry]) =>
			isObject(entry) ? { file_name: fileName, ...entry } : { file_name: fileName, value: entry as IDataObject[string] },
		);
		if (shape.output === 'raw') return entries;
		return await shapeExportEntries(this, entries, workflowId, shape, itemIndex);
	}

	const field = readOutputBinaryField(this, itemIndex);
	const { extension, mimeType } = FILE_FORMATS[format];
	const response = await anyformatRequest<string>(this, { method: 'GET', path, qs, responseType: 'text', timeoutMs: 300_000, itemIndex });
	return await binaryOutputItem(this, {
		field,
		content: Buffer.from(response.body, 'utf8'),
		fileName: `anyformat-results-${workflowId}.${extension}`,
		mimeType,
		json: { workflowId, outputFormat: format },
	});
}

/**
 * Export entries shaped like every other operation's results: the legacy API's text numbers typed as the
 * workflow declares (one workflow lookup), `_meta` with the file name and status. A document not processed yet
 * has no results: it comes out as its `_meta` only.
 */
async function shapeExportEntries(ctx: IExecuteFunctions, entries: IDataObject[], workflowId: string, shape: ShapeOptions, itemIndex: number) {
	const processed = entries.some((entry) => entry.status === 'processed');
	const types = processed ? await workflowFieldTypes(ctx, workflowId, itemIndex) : undefined;
	return entries.flatMap((entry) => {
		const meta: IDataObject = { fileName: entry.file_name, status: entry.status ?? null, workflowId };
		if (entry.status !== 'processed') return [{ _meta: meta }];
		return parseAnyformatResults({ results: entry.results ?? {} }, meta).flatMap((result) =>
			shapeResult(types ? { ...result, fields: withFieldTypes(result.fields, types) } : result, shape),
		);
	});
}
