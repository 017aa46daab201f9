import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ApiRequestError } from '../../../shared/errors';
import { anyformatRequest } from '../../transport';
import { collectionIdProperty, requiredId } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		...collectionIdProperty,
		description: `${collectionIdProperty.description}. Deleting removes the document and its extraction results for good.`,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['extraction'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const collectionId = requiredId(this, itemIndex, 'collectionId', 'Collection ID', 'Map the collection ID of the document to delete.');
	const response = await anyformatRequest(this, {
		method: 'DELETE',
		path: `/v2/files/${encodeURIComponent(collectionId)}/`,
		acceptStatus: [404],
		itemIndex,
	});
	// A 404 on a repeated attempt means the first attempt did delete it.
	if (response.statusCode === 404 && response.attempts === 1) {
		throw new ApiRequestError(this.getNode(), {
			message: `anyformat has no collection ${collectionId}`,
			description: 'Check the Collection ID; the document may already have been deleted.',
			status: 404,
			itemIndex,
		});
	}
	return { deleted: true, collectionId };
}
