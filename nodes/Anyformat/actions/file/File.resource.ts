import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as getAll from './getAll.operation';
import * as getManyRuns from './getManyRuns.operation';
import * as upload from './upload.operation';

export const operations: Record<string, Operation> = {
	getAll,
	getManyRuns,
	upload,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the files of a workflow with their processing status',
				action: 'Get many files',
			},
			{
				name: 'Get Many Runs',
				value: 'getManyRuns',
				description: 'List the runs of a workflow with their status',
				action: 'Get many runs',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Store a file in a workflow without extracting it yet (run it later with Extraction → Run Uploaded File)',
				action: 'Upload a file without extracting it',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...getAll.description,
	...getManyRuns.description,
];
