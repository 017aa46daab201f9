import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { batchOptionsProperty, waitForCompletionProperties } from '../../../../shared/descriptions';
import { metadataProperty, pageRangeProperties, readMetadata, type MetadataEntries } from '../../../helpers/documentOptions';
import { anesyaV0Request, unexpectedV0Answer } from '../../../transport';
import { prepareV0Input } from '../../helpers/inputs';
import { v0CreateOperation, type V0Submission } from '../../helpers/jobs';
import { inputProperties, parsingOutputProperty } from '../common.descriptions';

/** The only model the docs show; every JSON example sends it. */
export const DEFAULT_MODEL = 'PIGALLE';

const properties: INodeProperties[] = [
	...inputProperties(['binary', 'documentId', 'url', 'urlList']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Describe Pictures',
				name: 'pictureDescription',
				type: 'boolean',
				default: false,
				description: 'Whether Anesya describes the images found in the document',
			},
			metadataProperty('Key-value pairs stored with the parsing (e.g. a customer or order ID), returned in "_meta.metadata"'),
			{
				displayName: 'Model',
				name: 'model',
				type: 'string',
				default: DEFAULT_MODEL,
				description: 'The Anesya parsing model',
			},
			...pageRangeProperties('parse').map((property) => ({ ...property, displayOptions: { show: { '/input': ['binary'] } } })),
			{
				displayName: 'Verify Tables',
				name: 'tableVerification',
				type: 'boolean',
				default: false,
				description: 'Whether Anesya runs its table verification on the document',
			},
		],
	},
	...waitForCompletionProperties,
	{ ...parsingOutputProperty, displayOptions: { show: { waitForCompletion: [true] } } },
	batchOptionsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['parsing'], operation: ['create'] } }, properties);

interface ParsingOptions {
	pictureDescription?: boolean;
	tableVerification?: boolean;
	model?: string;
	metadata?: MetadataEntries;
	pdfPageStart?: unknown;
	pdfPageEnd?: unknown;
}

/** One item's parsing request: POST /v0/parsing {document, model, …}. */
async function prepareParsing(ctx: IExecuteFunctions, itemIndex: number): Promise<V0Submission> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as ParsingOptions;
	const metadata = readMetadata(ctx, itemIndex, options.metadata);
	const input = await prepareV0Input(ctx, itemIndex, { metadata, pages: options });
	const model = options.model?.trim() || DEFAULT_MODEL;
	const signal = ctx.getExecutionCancelSignal?.();
	return {
		label: input.labels.length > 1 ? `${input.labels.length} URLs` : input.labels[0],
		labels: input.labels,
		// v0 lists no parsings or extracts: a lost answer here cannot be looked up (see V0Submission).
		route: {
		send: async () => {
			const body: IDataObject = {
				document: await input.value(signal),
				model,
				picture_description_enabled: options.pictureDescription === true,
				table_verification_enabled: options.tableVerification === true,
			};
			if (metadata) body.metadata = metadata;
			const answer = await anesyaV0Request<unknown>(ctx, { method: 'POST', path: '/v0/parsing', body, bucket: 'submission', idempotent: false, itemIndex, signal });
			// A list of URLs gets a list of parsings, one per URL in order ("object vs array").
			const count = Array.isArray(answer.body) ? answer.body.length : 1;
			if (Array.isArray(body.document) && body.document.length > 1 && count !== body.document.length) {
				throw unexpectedV0Answer(ctx, { call: 'POST /v0/parsing', expected: `a list of ${body.document.length} parsings, one per URL`, body: answer.body, itemIndex });
			}
			return answer.body;
		},
		},
	};
}

export const executeBatch = v0CreateOperation('parsing', prepareParsing);
