import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = {
	get,
	getAll,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['schema'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get an extraction schema and its field definitions',
				action: 'Get a schema with its fields',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List your extraction schemas',
				action: 'Get many schemas',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
