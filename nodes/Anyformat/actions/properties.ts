import type { INodeProperties } from 'n8n-workflow';

import * as extraction from './extraction/Extraction.resource';
import * as file from './file/File.resource';
import * as job from './job/Job.resource';
import * as webhook from './webhook/Webhook.resource';
import * as workflow from './workflow/Workflow.resource';

/** Every parameter of the Anyformat node: the resource picker, then each resource's operations. */
export const anyformatProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Extraction', value: 'extraction' },
			{ name: 'File', value: 'file' },
			{ name: 'Job (Legacy)', value: 'job' },
			{ name: 'Webhook', value: 'webhook' },
			{ name: 'Workflow', value: 'workflow' },
		],
		default: 'extraction',
	},
	...extraction.description,
	...file.description,
	...job.description,
	...webhook.description,
	...workflow.description,
];
