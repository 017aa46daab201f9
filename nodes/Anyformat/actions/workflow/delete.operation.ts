import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ApiRequestError } from '../../../shared/errors';
import { anyformatRequest } from '../../transport';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['delete'] } }, [
	{
		...workflowLocator,
		description: 'The workflow to delete, with all its documents and extraction results (irreversible)',
	},
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const workflowId = workflowIdOf(this, itemIndex);
	const response = await anyformatRequest(this, {
		method: 'DELETE',
		path: `/v2/workflows/${encodeURIComponent(workflowId)}/`,
		acceptStatus: [404],
		itemIndex,
	});
	// A 404 on a repeated attempt means the first attempt did delete it.
	if (response.statusCode === 404 && response.attempts === 1) {
		throw new ApiRequestError(this.getNode(), {
			message: `anyformat has no workflow ${workflowId}`,
			description: 'Check the Workflow; it may already have been deleted.',
			status: 404,
			itemIndex,
		});
	}
	return { deleted: true, workflowId };
}
