import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listSearch } from './methods';
import { anesyaPollingTriggerProperties, pollAnesya } from './trigger/polling';

/**
 * The Anesya Trigger's twin for n8n instances Anesya cannot reach (a laptop, a home server, behind
 * NAT), and for anyone who would rather not paste a URL into the Anesya dashboard: it asks Anesya on
 * a schedule instead. A separate node, because n8n decides from the node type alone whether it
 * serves a webhook or schedules poll() with Poll Times.
 */
export class AnesyaPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Anesya Polling Trigger',
		name: 'anesyaPollingTrigger',
		icon: { light: 'file:anesya.svg', dark: 'file:anesya.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when Anesya finishes or fails an extraction, checking on a schedule (no public URL needed)',
		defaults: { name: 'Anesya Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'anesyaApi', required: true }],
		properties: anesyaPollingTriggerProperties,
	};

	methods = { listSearch };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollAnesya(this);
	}
}
