import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../../shared/router';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as upload from './upload.operation';

export const operations: Record<string, Operation> = {
	download,
	get,
	getAll,
	upload,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['document'] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				description: 'Download a stored document as a file',
				action: 'Download a document',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a stored document',
				action: 'Get a document',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List stored documents, optionally by file name or metadata',
				action: 'Get many documents',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Store a file in Anesya (free) to parse or extract it by its ID, as often as needed',
				action: 'Upload a document',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
	...getAll.description,
	...download.description,
];
