import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteResource } from '../../../shared/resources';
import { anyformatApi } from '../../transport';
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
	await deleteResource(this, anyformatApi, {
		path: `/v2/files/${encodeURIComponent(collectionId)}/`,
		itemIndex,
		notFound: {
			message: `anyformat has no collection ${collectionId}`,
			description: 'Check the Collection ID; the document may already have been deleted.',
		},
	});
	return { deleted: true, collectionId };
}
