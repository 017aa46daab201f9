import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { anesyaProperties } from '../actions/properties';
import { router } from '../actions/router';
import { anesyaIcon, anesyaVersionDescription } from '../versioning';
import { listSearch } from '../methods';

/** Node version 1: Anesya API 0.8.1 (tokens, servers, schemas, workflows), as saved workflows know it. */
export class AnesyaV1 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya',
		name: 'anesya',
		icon: anesyaIcon,
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		usableAsTool: true,
		...anesyaVersionDescription,
		properties: anesyaProperties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
