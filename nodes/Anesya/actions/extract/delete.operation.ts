import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteResource } from '../../../shared/resources';
import { extractPath } from '../../helpers/checker';
import { anesyaApi } from '../../transport';
import { extractIdOf, extractIdProperty } from '../common.descriptions';

const properties: INodeProperties[] = [
	{ ...extractIdProperty, description: `${extractIdProperty.description}. Deleting removes the extract and its results for good.` },
];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const extractId = extractIdOf(this, itemIndex);
	await deleteResource(this, anesyaApi, {
		path: extractPath(extractId),
		itemIndex,
		notFound: {
			message: `Anesya has no extract ${extractId}`,
			description: 'Check the Extract ID; the extract may already have been deleted.',
		},
	});
	return { deleted: true, extractId };
}
