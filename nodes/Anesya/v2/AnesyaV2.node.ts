import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { anesyaIcon, anesyaVersionDescription } from '../versioning';
import { anesyaV2Properties } from './actions/properties';
import { router } from './actions/router';

/** Node version 2: Anesya API v0 (API key; documents → parsing → extract). */
export class AnesyaV2 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya',
		name: 'anesya',
		icon: anesyaIcon,
		group: ['transform'],
		version: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		usableAsTool: true,
		...anesyaVersionDescription,
		properties: anesyaV2Properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
