import type { INodeProperties } from 'n8n-workflow';

import * as extract from './extract/Extract.resource';
import * as schema from './schema/Schema.resource';

/** Every parameter of the Anesya node: the resource picker, then each resource's operations. */
export const anesyaProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Extract', value: 'extract' },
			{ name: 'Schema', value: 'schema' },
		],
		default: 'extract',
	},
	...extract.description,
	...schema.description,
];
