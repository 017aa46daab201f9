import type { IHookFunctions, INodeProperties, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { outputProperty, readShapeOptions, resultOptionsProperty } from '../../shared/descriptions';
import type { ShapeOptions } from '../../shared/items';
import { triggerParameters } from '../../shared/webhook';
import { ANYFORMAT_EVENTS, eventsProperty, workflowIdOf, workflowLocator, type AnyformatEvent } from '../actions/common.descriptions';

/** Which extractions start the workflow and what it receives: the same in the webhook and the polling trigger. */
export const anyformatEventProperties: INodeProperties[] = [
	{
		displayName: 'Workflows',
		name: 'workflowScope',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'All Workflows',
				value: 'all',
				description: 'Start on events of every anyformat workflow of this account',
			},
			{
				name: 'One Workflow',
				value: 'one',
				description: 'Start only on events of the workflow chosen below',
			},
		],
		default: 'all',
		description: 'Which anyformat workflows (extraction templates) start this trigger',
	},
	{
		...workflowLocator,
		description: 'Only events of this anyformat workflow start the trigger; others are acknowledged and ignored',
		displayOptions: { show: { workflowScope: ['one'] } },
	},
	eventsProperty,
	{
		displayName: 'Include Extracted Data',
		name: 'includeData',
		type: 'boolean',
		default: true,
		description:
			'Whether to fetch the results of each completed extraction and output them like the Anyformat node does (a failed one outputs the reason anyformat gives). Off: output the event as anyformat sent it, which holds only IDs.',
	},
	{ ...outputProperty, displayOptions: { show: { includeData: [true] } } },
	{ ...resultOptionsProperty, displayOptions: { show: { includeData: [true] }, hide: { output: ['raw'] } } },
];

export const anyformatTriggerProperties: INodeProperties[] = [
	...anyformatEventProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Allow HTTP Webhook URL (Testing Only)',
				name: 'allowHttp',
				type: 'boolean',
				default: false,
				description:
					'Whether to register a webhook URL that starts with http:// instead of https://. anyformat itself only accepts HTTPS URLs; turn this on only against a local sandbox or test server that accepts HTTP.',
			},
		],
	},
];

type TriggerContext = IHookFunctions | IWebhookFunctions | IPollFunctions;

export interface TriggerSettings {
	events: AnyformatEvent[];
	/** undefined = all workflows. */
	workflowId?: string;
	includeData: boolean;
	shape?: ShapeOptions;
	allowHttp: boolean;
}

/** Reads and checks the trigger's parameters (at activation and for each delivery). */
export function readTriggerSettings(ctx: TriggerContext): TriggerSettings {
	const chosen = ctx.getNodeParameter('events', [...ANYFORMAT_EVENTS]) as unknown;
	const events = (Array.isArray(chosen) ? chosen : []).filter((e): e is AnyformatEvent =>
		(ANYFORMAT_EVENTS as readonly string[]).includes(e as string),
	);
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Events: no event is selected', {
			description: 'Choose Extraction Completed, Extraction Failed, or both.',
		});
	}
	const scope = ctx.getNodeParameter('workflowScope', 'all') as string;
	const workflowId = scope === 'one' ? workflowIdOf(triggerParameters(ctx), 0) : undefined;
	const includeData = ctx.getNodeParameter('includeData', true) as boolean;
	const options = ctx.getNodeParameter('options', {}) as { allowHttp?: boolean };
	return {
		events,
		workflowId,
		includeData,
		shape: includeData ? readShapeOptions(triggerParameters(ctx), 0) : undefined,
		allowHttp: options.allowHttp === true,
	};
}
