import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listSearch } from './methods';
import { pollAnyformat } from './trigger/polling';
import { anyformatEventProperties } from './trigger/properties';

/**
 * The Anyformat Trigger's twin for n8n instances anyformat cannot reach (a laptop, a home server,
 * behind NAT): instead of receiving webhooks it asks anyformat on a schedule. A separate node rather
 * than a mode of the webhook trigger, because n8n decides from the node type alone whether it
 * registers a webhook or schedules poll() with Poll Times.
 */
export class AnyformatPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anyformat Polling Trigger',
		name: 'anyformatPollingTrigger',
		icon: { light: 'file:anyformat.svg', dark: 'file:anyformat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when anyformat finishes or fails extracting a document, checking on a schedule (no public URL needed)',
		defaults: { name: 'Anyformat Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anyformatApi', required: true }],
		properties: [
			{
				displayName:
					'Checks anyformat on the schedule set in Poll Times and starts once per newly finished document, with the same output as the Anyformat Trigger. Use it when anyformat cannot reach this n8n over HTTPS; otherwise the Anyformat Trigger starts within a second and costs no requests.',
				name: 'pollingNotice',
				type: 'notice',
				default: '',
			},
			...anyformatEventProperties,
		],
	};

	methods = { listSearch };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollAnyformat(this);
	}
}
