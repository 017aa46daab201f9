import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteResource } from '../../../shared/resources';
import { anyformatApi } from '../../transport';
import { requiredId } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Webhook ID',
		name: 'webhookId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. wh_1234567890',
		description: 'The webhook subscription to delete, as output by Create or Get Many',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const webhookId = requiredId(this, itemIndex, 'webhookId', 'Webhook ID', 'Map the "id" output by Webhook → Create or Get Many.');
	await deleteResource(this, anyformatApi, {
		path: `/v2/webhooks/${encodeURIComponent(webhookId)}/`,
		itemIndex,
		notFound: {
			message: `anyformat has no webhook ${webhookId}`,
			description: 'Check the Webhook ID (list them with Webhook → Get Many); it may already have been deleted.',
		},
	});
	return { deleted: true, webhookId };
}
