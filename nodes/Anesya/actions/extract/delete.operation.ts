import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ApiRequestError } from '../../../shared/errors';
import { extractPath } from '../../helpers/jobs';
import { anesyaRequest } from '../../transport';
import { extractIdOf, extractIdProperty } from '../common.descriptions';

const properties: INodeProperties[] = [
	{ ...extractIdProperty, description: `${extractIdProperty.description}. Deleting removes the extract and its results for good.` },
];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const extractId = extractIdOf(this, itemIndex);
	const { statusCode, attempts } = await anesyaRequest(this, {
		method: 'DELETE',
		path: extractPath(extractId),
		acceptStatus: [404],
		itemIndex,
	});
	// A 404 after a retried DELETE means an earlier attempt did delete it.
	if (statusCode === 404 && attempts === 1) {
		throw new ApiRequestError(this.getNode(), {
			message: `Anesya has no extract ${extractId}`,
			description: 'Check the Extract ID; the extract may already have been deleted.',
			status: 404,
			itemIndex,
		});
	}
	return { deleted: true, extractId };
}
