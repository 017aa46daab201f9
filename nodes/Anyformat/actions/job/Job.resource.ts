import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as downloadFile from './downloadFile.operation';
import * as get from './get.operation';

export const operations: Record<string, Operation> = {
	downloadFile,
	get,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Download File',
				value: 'downloadFile',
				description: 'Download the original document of a legacy job',
				action: 'Download the file of a job',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status of a legacy job and, once processed, its results',
				action: 'Get a legacy job with its results',
			},
		],
		default: 'get',
	},
	...get.description,
	...downloadFile.description,
];
