import type { INodeProperties } from 'n8n-workflow';

import * as document from './document/Document.resource';
import * as extract from './extract/Extract.resource';
import * as parsing from './parsing/Parsing.resource';

/** Every parameter of node version 2 (Anesya API v0): the resource picker, then each resource's operations. */
export const anesyaV2Properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Document', value: 'document', description: 'Files stored in Anesya, to parse or extract by ID' },
			{ name: 'Extract', value: 'extract', description: 'Structured fields from a document, with one of your schemas' },
			{ name: 'Parsing', value: 'parsing', description: 'Markdown and OCR text of a document' },
		],
		default: 'extract',
	},
	...document.description,
	...extract.description,
	...parsing.description,
];
