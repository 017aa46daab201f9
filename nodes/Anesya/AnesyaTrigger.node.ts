import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { handleDelivery } from './trigger/delivery';
import { anesyaTriggerProperties } from './trigger/properties';

export class AnesyaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya Trigger',
		name: 'anesyaTrigger',
		icon: { light: 'file:anesya.svg', dark: 'file:anesya.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when Anesya finishes or fails an extraction or a workflow',
		defaults: { name: 'Anesya Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Accepted deliveries get an empty 200; Anesya only looks at the status code.
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: anesyaTriggerProperties,
	};

	// Anesya 0.8 has no API to register webhooks: the user adds this URL in the dashboard. n8n still
	// runs these lifecycle methods on activation (and the lint rules require all three), so they
	// succeed without calling Anesya: nothing is registered, nothing is left to remove.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleDelivery(this);
	}
}
