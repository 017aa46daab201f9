import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as deleteOperation from './delete.operation';
import * as download from './download.operation';
import * as extractWithSchema from './extractWithSchema.operation';
import * as extractWithWorkflow from './extractWithWorkflow.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = {
	delete: deleteOperation,
	download,
	extractWithSchema,
	extractWithWorkflow,
	get,
	getAll,
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
				name: 'Delete',
				value: 'delete',
				description: 'Delete an extract and its results',
				action: 'Delete an extract',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download an extract as a CSV or JSON file, or its images as a ZIP file',
				action: 'Download an extract',
			},
			{
				name: 'Extract With Schema',
				value: 'extractWithSchema',
				description: 'Extract fields from a document with one of your schemas',
				action: 'Extract fields from a file with a schema',
			},
			{
				name: 'Extract With Workflow',
				value: 'extractWithWorkflow',
				description: 'Send one or more documents to a workflow set up in the Anesya dashboard',
				action: 'Extract fields from files with a dashboard workflow',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an extract and its extracted fields',
				action: 'Get an extract with its fields',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List extracts, optionally with their extracted fields',
				action: 'Get many extracts',
			},
		],
		default: 'extractWithSchema',
	},
	...extractWithSchema.description,
	...extractWithWorkflow.description,
	...get.description,
	...getAll.description,
	...download.description,
	...deleteOperation.description,
];
