import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteResource } from '../../../shared/resources';
import { anyformatApi } from '../../transport';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['delete'] } }, [
	{
		...workflowLocator,
		description: 'The workflow to delete, with all its documents and extraction results (irreversible)',
	},
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const workflowId = workflowIdOf(this, itemIndex);
	await deleteResource(this, anyformatApi, {
		path: `/v2/workflows/${encodeURIComponent(workflowId)}/`,
		itemIndex,
		notFound: {
			message: `anyformat has no workflow ${workflowId}`,
			description: 'Check the Workflow; it may already have been deleted.',
		},
	});
	return { deleted: true, workflowId };
}
