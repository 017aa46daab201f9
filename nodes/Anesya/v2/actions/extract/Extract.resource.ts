import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../../shared/router';
import * as create from './create.operation';
import * as get from './get.operation';

export const operations: Record<string, Operation> = {
	create,
	get,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['extract'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Extract fields from a document, URL or parsing with one of your schemas',
				action: 'Extract with a schema',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an extract and its extracted fields',
				action: 'Get an extract',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
