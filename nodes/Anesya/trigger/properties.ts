import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { outputProperty } from '../../shared/descriptions';
import { anesyaResultOptionsProperty } from '../actions/common.descriptions';

/** The per-extract events, as Anesya's dashboard names them (the polling trigger offers these two). */
export const extractEventOptions: INodePropertyOptions[] = [
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
];

/** The Anesya Trigger's parameters: setup notice, events, the optional secret, output shape. */
export const anesyaTriggerProperties: INodeProperties[] = [
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
			...extractEventOptions,
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
];
