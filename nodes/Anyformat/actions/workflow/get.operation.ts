import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { anyformatBody } from '../../transport';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['get'] } }, [
	workflowLocator,
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const workflowId = workflowIdOf(this, itemIndex);
	return await anyformatBody(this, { method: 'GET', path: `/v2/workflows/${encodeURIComponent(workflowId)}/`, itemIndex });
}
