import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { anesyaProperties } from '../actions/properties';
import { router } from '../actions/router';
import { ANESYA_DEFAULT_VERSION, anesyaIcon } from '../versioning';
import { listSearch } from '../methods';

/** Node version 1: Anesya API 0.8.1 (tokens, servers, schemas, workflows), as saved workflows know it. */
export class AnesyaV1 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya',
		name: 'anesya',
		icon: anesyaIcon,
		group: ['transform'],
		description: 'Extract structured data from documents with Anesya',
		version: 1,
		defaultVersion: ANESYA_DEFAULT_VERSION,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
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
