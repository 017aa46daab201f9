import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions';
import { anyformatBody } from '../../transport';

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['getAll'] } },
	returnAllOrLimit as INodeProperties[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const limit = readLimit(this, itemIndex);
	// A flat array (at most 50 subscriptions), not a paginated list; the secret is never included.
	const body = await anyformatBody<IDataObject[] | IDataObject>(this, { method: 'GET', path: '/v2/webhooks/', itemIndex });
	const webhooks = Array.isArray(body) ? body : Array.isArray(body?.results) ? (body.results as IDataObject[]) : [];
	return webhooks.slice(0, Number.isFinite(limit) ? limit : undefined);
}
