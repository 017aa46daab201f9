import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { handleDelivery } from './trigger/delivery';
import { anesyaTriggerProperties } from './trigger/properties';
import { receiveV0Delivery, v0ActivationProblem } from './v2/trigger/delivery';
import { anesyaV0TriggerProperties } from './v2/trigger/properties';
import { completeV0Deliveries } from './v2/trigger/results';

export class AnesyaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya Trigger',
		name: 'anesyaTrigger',
		icon: { light: 'file:anesya.svg', dark: 'file:anesya.dark.svg' },
		group: ['trigger'],
		// Like the Anesya node: version 1 is the 0.8.1 trigger of saved workflows, unchanged; new nodes
		// get version 2, for API v0 (its events, signed deliveries, results read with the v0 credential).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when Anesya finishes or fails a parsing, an extraction or a workflow',
		defaults: { name: 'Anesya Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anesyaApi', required: true, displayOptions: { show: { '@version': [2] } } }],
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
		properties: [
			...updateDisplayOptions({ show: { '@version': [1] } }, anesyaTriggerProperties),
			...updateDisplayOptions({ show: { '@version': [2] } }, anesyaV0TriggerProperties),
		],
	};

	// Anesya (0.8 and v0) has no API to register webhooks: the user adds this URL in the dashboard. n8n
	// still runs these lifecycle methods on activation (and the lint rules require all three), so they
	// succeed without calling Anesya: nothing is registered, nothing is left to remove. Version 2
	// refuses to activate with Signature Check Required and no secret, rather than refuse every delivery.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (this.getNode().typeVersion >= 2) {
					const problem = v0ActivationProblem({
						signatureCheck: this.getNodeParameter('signatureCheck', 'auto') as string,
						webhookSecret: this.getNodeParameter('webhookSecret', ''),
					});
					if (problem) throw new NodeOperationError(this.getNode(), problem);
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return this.getNode().typeVersion >= 2 ? await receiveV0Delivery(this) : await handleDelivery(this);
	}

	// n8n runs a webhook trigger's execute() with the items webhook() returned, once the execution has
	// started: version 2 reads the result here, after Anesya has its answer. Version 1's deliveries
	// carry the extract, so its items pass through.
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return this.getNode().typeVersion >= 2 ? await completeV0Deliveries(this) : [this.getInputData()];
	}
}
