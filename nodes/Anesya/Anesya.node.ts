import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { anesyaProperties } from './actions/properties';
import { router } from './actions/router';
import { listSearch } from './methods';

export class Anesya implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya',
		name: 'anesya',
		icon: { light: 'file:anesya.svg', dark: 'file:anesya.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Extract structured data from documents with Anesya',
		defaults: { name: 'Anesya' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anesyaApi', required: true }],
		properties: anesyaProperties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
