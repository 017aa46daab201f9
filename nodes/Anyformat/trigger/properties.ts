import type { IExecuteFunctions, IHookFunctions, INodeProperties, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { outputProperty, readShapeOptions, resultOptionsProperty, signatureCheckProperty, type ParameterContext } from '../../shared/descriptions';
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
	signatureCheckProperty({
		auto: 'Verify a signature whenever a delivery carries one; a delivery without one is accepted on the secret token in the registered URL',
		required: 'Refuse (401, no execution) any delivery without a valid signature, even with the right URL token. Turn on once your executions show "_meta.authenticatedBy": "signature".',
		description: 'How deliveries prove they come from anyformat. anyformat does not document its signature scheme (Standard Webhooks is assumed), so Auto keeps working whatever it turns out to be.',
	}),
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

type TriggerContext = IHookFunctions | IWebhookFunctions | IPollFunctions | IExecuteFunctions;

/** Trigger contexts read parameters without an item index; the execution's context reads item 0's. */
function parametersOf(ctx: TriggerContext): ParameterContext {
	return 'getInputData' in ctx ? ctx : triggerParameters(ctx);
}

export interface TriggerSettings {
	events: AnyformatEvent[];
	/** undefined = all workflows. */
	workflowId?: string;
	includeData: boolean;
	shape?: ShapeOptions;
	allowHttp: boolean;
}

/** Reads and checks the trigger's parameters (at activation, for each delivery and in its execution). */
export function readTriggerSettings(ctx: TriggerContext): TriggerSettings {
	const params = parametersOf(ctx);
	const chosen = params.getNodeParameter('events', 0, [...ANYFORMAT_EVENTS]) as unknown;
	const events = (Array.isArray(chosen) ? chosen : []).filter((e): e is AnyformatEvent =>
		(ANYFORMAT_EVENTS as readonly string[]).includes(e as string),
	);
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Events: no event is selected', {
			description: 'Choose Extraction Completed, Extraction Failed, or both.',
		});
	}
	const scope = params.getNodeParameter('workflowScope', 0, 'all') as string;
	const workflowId = scope === 'one' ? workflowIdOf(params, 0) : undefined;
	const includeData = params.getNodeParameter('includeData', 0, true) as boolean;
	const options = params.getNodeParameter('options', 0, {}) as { allowHttp?: boolean };
	return {
		events,
		workflowId,
		includeData,
		shape: includeData ? readShapeOptions(params, 0) : undefined,
		allowHttp: options.allowHttp === true,
	};
}
