import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as create from './create.operation';
import * as deleteOperation from './delete.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = {
	create,
	delete: deleteOperation,
	getAll,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Subscribe a URL to extraction events; the output holds the signing secret, shown only once',
				action: 'Create a webhook',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a webhook subscription',
				action: 'Delete a webhook',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the webhook subscriptions',
				action: 'Get many webhooks',
			},
		],
		default: 'create',
	},
	...create.description,
	...getAll.description,
	...deleteOperation.description,
];
