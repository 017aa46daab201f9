import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readShapeOptions, submissionOutputProperties } from '../../../../shared/descriptions';
import { pageRangeProperties } from '../../../helpers/documentOptions';
import { anesyaV0Request } from '../../../transport';
import { prepareV0Input } from '../../helpers/inputs';
import { v0CreateOperation, type V0Submission } from '../../helpers/jobs';
import { inputProperties, readSchemaId, schemaIdProperty, v0ResultOptionsProperty } from '../common.descriptions';

const properties: INodeProperties[] = [
	schemaIdProperty,
	...inputProperties(['binary', 'documentId', 'parsingId', 'url']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { input: ['binary'] } },
		options: pageRangeProperties('extract from'),
	},
	...submissionOutputProperties(v0ResultOptionsProperty),
];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['create'] } }, properties);

/**
 * One item's extract: POST /v0/extract {schema, document | parsing}. From a document or URL Anesya
 * parses first; from a parsing ID it reuses that parsing.
 */
async function prepareExtract(ctx: IExecuteFunctions, itemIndex: number): Promise<V0Submission> {
	const schema = readSchemaId(ctx, itemIndex);
	const kind = ctx.getNodeParameter('input', itemIndex, 'binary') as string;
	const pages = kind === 'binary' ? (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject) : {};
	const input = await prepareV0Input(ctx, itemIndex, { pages });
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const withText = wait && readShapeOptions(ctx, itemIndex).includeText === true;
	const signal = ctx.getExecutionCancelSignal?.();
	return {
		label: input.labels[0],
		labels: input.labels,
		withText,
		// v0 lists no parsings or extracts: a lost answer here cannot be looked up (see V0Submission).
		route: {
		send: async () => {
			const body: IDataObject = { schema, [input.field]: await input.value(signal) };
			return (await anesyaV0Request<unknown>(ctx, { method: 'POST', path: '/v0/extract', body, bucket: 'submission', idempotent: false, itemIndex, signal })).body;
		},
		},
	};
}

export const executeBatch = v0CreateOperation('extract', prepareExtract);
