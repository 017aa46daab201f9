import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../../shared/descriptions';
import { metadataFilterProperties, metadataFilterQuery } from '../../../helpers/documentOptions';
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
			...metadataFilterProperties('documents'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['document'], operation: ['getAll'] } }, properties);

/** The filters as query parameters (names inferred, as 0.8.1 names them: Anesya documents the search, not its parameters). */
function filterQuery(filters: { search?: string; metaKey?: string; metaValue?: string }): IDataObject {
	const qs = metadataFilterQuery(filters);
	if (filters.search?.trim()) qs.search = filters.search.trim();
	return qs;
}

/** Stored documents, one item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { search?: string; metaKey?: string; metaValue?: string };
	return await anesyaV0List(this, '/v0/documents', { limit, qs: filterQuery(filters), itemIndex });
}
