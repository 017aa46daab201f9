import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as deleteOperation from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations: Record<string, Operation> = {
	delete: deleteOperation,
	get,
	getAll: getMany,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workflow'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a workflow with all its documents and results',
				action: 'Delete a workflow',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a workflow and its fields',
				action: 'Get a workflow',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List workflows',
				action: 'Get many workflows',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getMany.description,
	...deleteOperation.description,
];
