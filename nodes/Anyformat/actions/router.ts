import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { routeItems, type Operation } from '../../shared/router';
import * as extraction from './extraction/Extraction.resource';
import * as file from './file/File.resource';
import * as job from './job/Job.resource';
import * as webhook from './webhook/Webhook.resource';
import * as workflow from './workflow/Workflow.resource';

const resources: Record<string, Record<string, Operation>> = {
	extraction: extraction.operations,
	file: file.operations,
	job: job.operations,
	webhook: webhook.operations,
	workflow: workflow.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`);
	}
	return await routeItems.call(this, handler);
}
