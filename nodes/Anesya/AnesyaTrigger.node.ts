import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outputProperty } from '../shared/descriptions';
import { anesyaResultOptionsProperty } from './actions/common.descriptions';
import { handleDelivery } from './helpers/delivery';

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
		properties: [
			{
				displayName:
					'Anesya webhooks are set up in its dashboard: open Settings → Webhooks → Create Webhook, choose an event, and paste the Production URL shown above as Target URL (one webhook per event). Anesya accepts only HTTPS URLs and this workflow must be active (published) to receive deliveries; while testing, paste the Test URL instead. If you set a Secret below, add ?token=&lt;your secret&gt; to the end of the URL you paste.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Extract Completed',
						value: 'extract.completed',
						description: 'An extraction finished successfully',
					},
					{
						name: 'Extract Failed',
						value: 'extract.failed',
						description: 'An extraction ended in error',
					},
					{
						name: 'Workflow Completed',
						value: 'workflow.completed',
						description: 'A dashboard workflow finished successfully (one item per document)',
					},
					{
						name: 'Workflow Failed',
						value: 'workflow.failed',
						description: 'A dashboard workflow ended in failure (one item per document)',
					},
				],
				default: ['extract.completed', 'extract.failed', 'workflow.completed', 'workflow.failed'],
				description:
					'Which deliveries start the workflow. Others are answered with 200 and ignored, so they can share one URL.',
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'Optional, recommended: Anesya 0.8 does not sign its webhooks, so without a secret anyone who knows the URL can start this workflow. When set, a delivery must carry it as ?token=… in the URL (or an X-Webhook-Token header); others are refused with 401.',
			},
			outputProperty,
			anesyaResultOptionsProperty,
		],
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
