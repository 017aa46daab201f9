import type { INodeProperties } from 'n8n-workflow';

import * as extraction from './extraction/Extraction.resource';
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
			{ name: 'Workflow', value: 'workflow' },
		],
		default: 'extraction',
	},
	...extraction.description,
	...workflow.description,
];
