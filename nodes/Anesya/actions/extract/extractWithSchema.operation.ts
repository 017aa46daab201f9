import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputBinaryFieldProperty } from '../../../shared/descriptions';
import { invalidInput } from '../../../shared/errors';
import type { MultipartPart } from '../../../shared/multipart';
import { taggedRoute, uploadOperation, type Upload } from '../../helpers/jobs';
import { SUBMISSION_TAG } from '../../helpers/results';
import { anesyaUpload } from '../../transport';
import { prepareAnesyaDocument } from '../../helpers/documentInput';
import { metadataProperty, pageRangeProperties, pageRangeQuery, readMetadata, readPageRange, type MetadataEntries } from '../../helpers/documentOptions';
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
			metadataProperty('Key-value pairs stored with the extract (e.g. a customer or order ID), returned in "_meta.metadata" and searchable with Get Many'),
			...pageRangeProperties('extract from'),
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
	metadata?: MetadataEntries;
	pdfPageStart?: unknown;
	pdfPageEnd?: unknown;
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
	const metadata = readMetadata(ctx, itemIndex, options.metadata) ?? {};
	if (SUBMISSION_TAG in metadata) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Metadata', `the key "${SUBMISSION_TAG}" is reserved`, 'This node tags each upload with that key to find it again after a lost answer; use another key.');
	}
	const range = pageRangeQuery(readPageRange(ctx, itemIndex, options));
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
