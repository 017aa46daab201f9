import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions';
import { listWebhooks } from '../../transport';

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['getAll'] } },
	returnAllOrLimit as INodeProperties[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const limit = readLimit(this, itemIndex);
	const webhooks = await listWebhooks(this, itemIndex);
	return webhooks.slice(0, Number.isFinite(limit) ? limit : undefined);
}
