import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { outputProperty, readLimit, readShapeOptions, returnAllOrLimit } from '../../../shared/descriptions';
import { invalidInput } from '../../../shared/errors';
import { mapConcurrent } from '../../../shared/pipeline';
import { fetchExtract } from '../../helpers/checker';
import { metadataFilterProperties, metadataFilterQuery } from '../../helpers/documentOptions';
import { shapeExtract } from '../../helpers/results';
import { anesyaList } from '../../transport';
import { anesyaResultOptionsProperty, checkUuid, workflowIdFilterProperty } from '../common.descriptions';

/** Parallel detail requests for Fetch Full Results. */
const DETAIL_CONCURRENCY = 8;

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			...metadataFilterProperties('extracts'),
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice',
				description: 'Only extracts whose document name or schema name contains this text',
			},
			workflowIdFilterProperty,
			{
				displayName: 'Workflow Session ID',
				name: 'workflowSessionId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1758718492',
				description: 'Only the extracts of one workflow upload ("_meta.workflowSessionId" of its results)',
			},
		],
	},
	{
		displayName: 'Fetch Full Results',
		name: 'fetchFullResults',
		type: 'boolean',
		default: false,
		description:
			'Whether to read each extract in full and output its extracted fields. The list alone gives status, names and IDs but no extracted data; this costs one more request per extract.',
	},
	{ ...outputProperty, displayOptions: { show: { fetchFullResults: [true] } } },
	{ ...anesyaResultOptionsProperty, displayOptions: { show: { fetchFullResults: [true] }, hide: { output: ['raw'] } } },
];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['getAll'] } }, properties);

interface ExtractFilters {
	metaKey?: string;
	metaValue?: string;
	search?: string;
	workflowId?: string;
	workflowSessionId?: unknown;
}

function filterQuery(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as ExtractFilters;
	const qs: IDataObject = metadataFilterQuery(filters);
	if (filters.search?.trim()) qs.search = filters.search.trim();
	if (filters.workflowId?.trim()) {
		qs.workflow_id = checkUuid(ctx, itemIndex, filters.workflowId, 'Workflow ID', 'Paste the workflow ID (a UUID) from the Anesya dashboard, or remove the filter.');
	}
	const session = String(filters.workflowSessionId ?? '').trim();
	if (session) {
		if (!/^\d+$/.test(session)) {
			throw invalidInput(ctx.getNode(), itemIndex, 'Workflow Session ID', `"${String(filters.workflowSessionId)}" is not a whole number`, 'Map "_meta.workflowSessionId" from an Extract With Workflow result.');
		}
		qs.workflow_session_id = Number(session);
	}
	return qs;
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const limit = readLimit(this, itemIndex);
	const qs = filterQuery(this, itemIndex);
	const fetchFull = this.getNodeParameter('fetchFullResults', itemIndex, false) as boolean;
	const shape = fetchFull ? readShapeOptions(this, itemIndex) : undefined;
	const extracts = await anesyaList(this, '/extract/', { limit, qs, itemIndex });
	if (!shape) return extracts;

	const signal = this.getExecutionCancelSignal?.();
	const full = await mapConcurrent(
		extracts.length,
		DETAIL_CONCURRENCY,
		async (i) => await fetchExtract(this, String(extracts[i].id), { itemIndex, signal }),
		{ stopOnError: true, signal },
	);
	return full.flatMap((result) => {
		if (!result.ok) throw result.error;
		return shapeExtract(result.value, shape);
	});
}
