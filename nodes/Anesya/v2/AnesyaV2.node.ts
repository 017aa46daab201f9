import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ANESYA_DEFAULT_VERSION, anesyaIcon } from '../versioning';
import { anesyaV2Properties } from './actions/properties';
import { router } from './actions/router';

/** Node version 2: Anesya API v0 (API key; documents → parsing → extract). */
export class AnesyaV2 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya',
		name: 'anesya',
		icon: anesyaIcon,
		group: ['transform'],
		description: 'Extract structured data from documents with Anesya',
		version: 2,
		defaultVersion: ANESYA_DEFAULT_VERSION,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		defaults: { name: 'Anesya' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anesyaApi', required: true }],
		properties: anesyaV2Properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
