import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputBinaryFieldProperty } from '../../../shared/descriptions';
import { invalidInput } from '../../../shared/errors';
import type { MultipartPart } from '../../../shared/multipart';
import { taggedRoute, uploadOperation, type Upload } from '../../helpers/jobs';
import { SUBMISSION_TAG } from '../../helpers/results';
import { anesyaUpload } from '../../transport';
import { prepareAnesyaDocument } from '../../helpers/documentInput';
import { checkUuid, schemaIdOf, schemaLocator, uploadResultProperties } from '../common.descriptions';

export const SERVERS = ['EU-1', 'FR-1', 'FR-2', 'FR-3'];

const properties: INodeProperties[] = [
	inputBinaryFieldProperty('The name of the input binary field holding the document (PDF, PNG or JPEG, up to 20 MB)'),
	schemaLocator,
	{
		displayName: 'Server',
		name: 'server',
		type: 'options',
		options: SERVERS.map((server) => ({ name: server, value: server })),
		default: 'EU-1',
		description: 'The Anesya server that processes the document',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Classifier ID',
				name: 'classifierId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
				description:
					'A classifier from the Anesya dashboard to run on the document; its prediction comes out as "_meta.classifierResult"',
			},
			{
				displayName: 'Metadata',
				name: 'metadata',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add metadata',
				default: {},
				description:
					'Key-value pairs stored with the extract (e.g. a customer or order ID), returned in "_meta.metadata" and searchable with Get Many',
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
			},
			{
				displayName: 'PDF Page End',
				name: 'pdfPageEnd',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 1,
				description: 'Last page of a PDF to extract from (1 = first page, inclusive). Ignored for images.',
			},
			{
				displayName: 'PDF Page Start',
				name: 'pdfPageStart',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 1,
				description: 'First page of a PDF to extract from (1 = first page). Ignored for images.',
			},
		],
	},
	...uploadResultProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['extract'], operation: ['extractWithSchema'] } },
	properties,
);

interface SchemaOptions {
	classifierId?: string;
	metadata?: { values?: Array<{ key?: unknown; value?: unknown }> };
	pdfPageStart?: unknown;
	pdfPageEnd?: unknown;
}

/** The Metadata entries, as Anesya's `metadata` object. */
function metadataOf(ctx: IExecuteFunctions, itemIndex: number, options: SchemaOptions): IDataObject {
	const entries = options.metadata?.values ?? [];
	const metadata: IDataObject = {};
	entries.forEach((entry, n) => {
		const key = typeof entry.key === 'string' ? entry.key.trim() : String(entry.key ?? '').trim();
		if (!key) {
			throw invalidInput(ctx.getNode(), itemIndex, 'Metadata', `entry ${n + 1} has no key`, 'Give every metadata entry a key, or remove the empty entry.');
		}
		if (key in metadata) {
			throw invalidInput(ctx.getNode(), itemIndex, 'Metadata', `the key "${key}" appears twice`, 'Use each key once; combine the values if you need both.');
		}
		if (key === SUBMISSION_TAG) {
			throw invalidInput(ctx.getNode(), itemIndex, 'Metadata', `the key "${key}" is reserved`, 'This node tags each upload with that key to find it again after a lost answer; use another key.');
		}
		metadata[key] = (entry.value ?? '') as IDataObject[string];
	});
	return metadata;
}

/** Optional PDF page range as Anesya's query parameters (1-based, inclusive). */
function pageRange(ctx: IExecuteFunctions, itemIndex: number, options: SchemaOptions): IDataObject {
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
	const qs: IDataObject = {};
	if (start !== undefined) qs.pdf_page_start = start;
	if (end !== undefined) qs.pdf_page_end = end;
	return qs;
}

/** One item's document as an upload to POST /extract/ with the schema and options. */
async function prepareSchemaUpload(ctx: IExecuteFunctions, itemIndex: number): Promise<Upload> {
	const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	const schemaId = schemaIdOf(ctx, itemIndex);
	const server = ctx.getNodeParameter('server', itemIndex, 'EU-1') as string;
	if (!SERVERS.includes(server)) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Server', `"${String(server)}" is not an Anesya server`, `Choose one of ${SERVERS.join(', ')}.`);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as SchemaOptions;
	const classifierId = options.classifierId?.trim()
		? checkUuid(ctx, itemIndex, options.classifierId, 'Classifier ID', 'Paste the classifier ID (a UUID) from the Anesya dashboard, or remove the option.')
		: undefined;
	const metadata = metadataOf(ctx, itemIndex, options);
	const range = pageRange(ctx, itemIndex, options);
	const { file } = await prepareAnesyaDocument(ctx, itemIndex, field, 'Input Binary Field');
	// "Start/End page (PDF only)": an image has one page, so the range is left out for it.
	const qs = file.fileName.toLowerCase().endsWith('.pdf') ? range : undefined;
	const send = async (tag: string) => {
		const parts: MultipartPart[] = [
			{ field: 'document', file: await file.load() },
			{ field: 'server', text: server },
			{ field: 'schema', text: schemaId },
		];
		if (classifierId) parts.push({ field: 'classifier', text: classifierId });
		parts.push({ field: 'metadata', text: JSON.stringify({ ...metadata, [SUBMISSION_TAG]: tag }) });
		return [await anesyaUpload<IDataObject>(ctx, '/extract/', parts, { qs, itemIndex })];
	};
	return { label: `"${file.fileName}"`, route: taggedRoute(ctx, file.fileName, send, ctx.getExecutionCancelSignal?.()) };
}

export const executeBatch = uploadOperation(prepareSchemaUpload);
