import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { anyformatProperties } from './actions/properties';
import { router } from './actions/router';
import { listSearch } from './methods';

export class Anyformat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anyformat',
		name: 'anyformat',
		icon: { light: 'file:anyformat.svg', dark: 'file:anyformat.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Extract structured data from documents with anyformat',
		defaults: { name: 'Anyformat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anyformatApi', required: true }],
		properties: anyformatProperties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
