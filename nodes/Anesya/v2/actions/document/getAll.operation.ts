import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../../shared/descriptions';
import { anesyaV0List } from '../../../transport';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice',
				description: 'Only documents whose file name contains this text',
			},
			{
				displayName: 'Metadata Key',
				name: 'metaKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. order_id',
				description: 'Only documents whose metadata has this key (with Metadata Value: this key holding that value)',
			},
			{
				displayName: 'Metadata Value',
				name: 'metaValue',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1234567890',
				description: 'Only documents whose metadata holds this value',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['document'], operation: ['getAll'] } }, properties);

/** The filters as query parameters (names inferred: Anesya documents the search, not its parameters). */
function filterQuery(filters: { search?: string; metaKey?: string; metaValue?: string }): IDataObject {
	const qs: IDataObject = {};
	if (filters.search?.trim()) qs.search = filters.search.trim();
	if (filters.metaKey?.trim()) qs.meta_key = filters.metaKey.trim();
	if (filters.metaValue?.trim()) qs.meta_value = filters.metaValue.trim();
	return qs;
}

/** Stored documents, one item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { search?: string; metaKey?: string; metaValue?: string };
	return await anesyaV0List(this, '/v0/documents', { limit, qs: filterQuery(filters), itemIndex });
}
