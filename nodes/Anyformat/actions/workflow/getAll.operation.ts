import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions';
import { anyformatList } from '../../transport';

export const description = updateDisplayOptions(
	{ show: { resource: ['workflow'], operation: ['getAll'] } },
	returnAllOrLimit as INodeProperties[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await anyformatList(this, '/v2/workflows/', { limit: readLimit(this, itemIndex), itemIndex });
}
