import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listSearch } from './methods';
import { receiveDelivery } from './trigger/delivery';
import { anyformatTriggerProperties } from './trigger/properties';
import { completeDeliveries } from './trigger/results';
import { createSubscription, deleteSubscription, subscriptionExists } from './trigger/subscription';

export class AnyformatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anyformat Trigger',
		name: 'anyformatTrigger',
		icon: { light: 'file:anyformat.svg', dark: 'file:anyformat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when anyformat finishes or fails extracting a document',
		defaults: { name: 'Anyformat Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anyformatApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// Answer anyformat as soon as the trigger returns, with an empty 200 (the n8n default would
				// be the first item as JSON, i.e. the extracted data, sent back to anyformat).
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: anyformatTriggerProperties,
	};

	methods = { listSearch };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await subscriptionExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createSubscription(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteSubscription(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery(this);
	}

	// n8n runs a webhook trigger's execute() with the items webhook() returned, once the execution has
	// started: the results download happens here, after anyformat has its answer.
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await completeDeliveries(this);
	}
}
