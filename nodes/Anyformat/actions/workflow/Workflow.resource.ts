import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as create from './create.operation';
import * as deleteOperation from './delete.operation';
import * as exportResults from './exportResults.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = {
	create,
	delete: deleteOperation,
	exportResults,
	get,
	getAll,
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
				name: 'Create',
				value: 'create',
				description: 'Create a workflow with the fields to extract',
				action: 'Create a workflow',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a workflow with all its documents and results',
				action: 'Delete a workflow',
			},
			{
				name: 'Export Results',
				value: 'exportResults',
				description: 'Export the results of all documents of a workflow as items, CSV or JSON Lines',
				action: 'Export the results of a workflow',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a workflow and its fields',
				action: 'Get a workflow with its fields',
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
	...create.description,
	...get.description,
	...getAll.description,
	...exportResults.description,
	...deleteOperation.description,
];
