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
		displayOptions: { show: { resource: ['parsing'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Read a document into markdown and page-by-page OCR text',
				action: 'Parse a document',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a parsing and its markdown',
				action: 'Get a parsing',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
