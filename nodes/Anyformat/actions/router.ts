import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeResources } from '../../shared/router';
import * as extraction from './extraction/Extraction.resource';
import * as file from './file/File.resource';
import * as job from './job/Job.resource';
import * as webhook from './webhook/Webhook.resource';
import * as workflow from './workflow/Workflow.resource';

/** Every resource and its operations, by the values saved workflows store. */
export const resources = {
	extraction: extraction.operations,
	file: file.operations,
	job: job.operations,
	webhook: webhook.operations,
	workflow: workflow.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeResources.call(this, resources);
}
