import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions';
import { anesyaList } from '../../transport';

export const description = updateDisplayOptions(
	{ show: { resource: ['schema'], operation: ['getAll'] } },
	returnAllOrLimit as INodeProperties[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await anesyaList(this, '/schema/', { limit: readLimit(this, itemIndex), itemIndex });
}
