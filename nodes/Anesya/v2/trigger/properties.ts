import type { INodeProperties } from 'n8n-workflow';

import { outputProperty, signatureCheckProperty } from '../../../shared/descriptions';
import { v0ResultOptionsProperty } from '../actions/common.descriptions';

/** The seven events of Anesya API v0, as its dashboard names them. */
export const V0_EVENTS = [
	'parsing.in_queue',
	'parsing.in_progress',
	'parsing.finished',
	'parsing.partial_finished',
	'parsing.failed',
	'extract.completed',
	'extract.failed',
] as const;

/** Events after which the parsing or extract no longer changes: only these have a result to fetch. */
export const V0_FINAL_EVENTS: readonly string[] = ['parsing.finished', 'parsing.partial_finished', 'parsing.failed', 'extract.completed', 'extract.failed'];

const EVENT_OPTIONS: Array<{ name: string; value: (typeof V0_EVENTS)[number]; description: string }> = [
	{ name: 'Parsing Queued', value: 'parsing.in_queue', description: 'A parsing was queued (no result yet)' },
	{ name: 'Parsing In Progress', value: 'parsing.in_progress', description: 'A parsing started processing (no result yet)' },
	{ name: 'Parsing Finished', value: 'parsing.finished', description: 'A parsing completed: its markdown and pages' },
	{ name: 'Parsing Partially Finished', value: 'parsing.partial_finished', description: 'A parsing completed but one or more pages failed' },
	{ name: 'Parsing Failed', value: 'parsing.failed', description: 'A parsing ended in error' },
	{ name: 'Extract Completed', value: 'extract.completed', description: 'An extract completed: its fields' },
	{ name: 'Extract Failed', value: 'extract.failed', description: 'An extract ended in error' },
];

/** Parameters of the Anesya Trigger for API v0 (node version 2). */
export const anesyaV0TriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Anesya webhooks are set up in its dashboard: open Settings → Webhooks → Create Webhook, choose an event, paste the Production URL shown above as Target URL and save (one webhook per event; several may use this URL). Anesya then shows a webhook secret: paste it into Webhook Secret below. Anesya accepts only HTTPS URLs and this workflow must be active (published) to receive deliveries; while testing, paste the Test URL instead.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_OPTIONS,
		default: [...V0_FINAL_EVENTS],
		description:
			'Which deliveries start the workflow. Others are answered with 200 and ignored, so several dashboard webhooks can share one URL.',
	},
	{
		displayName: 'Webhook Secret',
		name: 'webhookSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			'The secret Anesya shows when a webhook is created (one per dashboard webhook: separate several with commas). When set, every delivery must carry a valid signature; one without a signature header this node recognises is refused with 401, and the answer lists the headers that arrived.',
	},
	signatureCheckProperty({
		auto: 'Check signatures when a Webhook Secret is set; without one, rely on the URL Token (if set)',
		required: 'Always check signatures: the workflow cannot be activated without a Webhook Secret',
		description: "How deliveries prove they come from Anesya. Anesya's signature scheme is not documented; Standard Webhooks headers and an HMAC-SHA256 of the body in X-Anesya-Signature or X-Signature are recognised.",
	}),
	{
		displayName: 'URL Token',
		name: 'urlToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			'Optional: a secret of your choice that deliveries must carry as ?token=… in the URL pasted into Anesya (or an X-Webhook-Token header). Works whatever signature scheme Anesya uses.',
	},
	{
		displayName: 'Fetch Result',
		name: 'fetchResult',
		type: 'boolean',
		default: true,
		description:
			'Whether to read the finished parsing or extract from the Anesya API (with the credential) instead of using the copy in the delivery, so the output is what Anesya holds, as Parsing → Get / Extract → Get give it. If the read fails, the delivered copy is output with "_meta.resultsError" saying why.',
	},
	outputProperty,
	v0ResultOptionsProperty,
];
