import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import * as deleteOperation from './delete.operation';
import * as extractFromFile from './extractFromFile.operation';
import * as extractFromText from './extractFromText.operation';
import * as getResult from './getResult.operation';
import * as runUploadedFile from './runUploadedFile.operation';

export const operations: Record<string, Operation> = {
	delete: deleteOperation,
	extractFromFile,
	extractFromText,
	getResult,
	runUploadedFile,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['extraction'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a submitted document and its results',
				action: 'Delete a document and its results',
			},
			{
				name: 'Extract From File',
				value: 'extractFromFile',
				description: 'Extract fields from a document in a binary field',
				action: 'Extract fields from a file',
			},
			{
				name: 'Extract From Text',
				value: 'extractFromText',
				description: 'Extract fields from plain text, such as an email body',
				action: 'Extract fields from text',
			},
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Get the extracted fields of a submitted document',
				action: 'Get the extracted fields of a document',
			},
			{
				name: 'Run Uploaded File',
				value: 'runUploadedFile',
				description: 'Start extraction of a file uploaded earlier with File → Upload',
				action: 'Extract fields from an uploaded file',
			},
		],
		default: 'extractFromFile',
	},
	...extractFromFile.description,
	...extractFromText.description,
	...runUploadedFile.description,
	...getResult.description,
	...deleteOperation.description,
];
