import type { INodeProperties } from 'n8n-workflow';

import type { ParameterContext } from '../../shared/descriptions';
import { invalidInput } from '../../shared/errors';
import { UUID_PATTERN } from '../../shared/values';

const UUID = UUID_PATTERN;

/** The anyformat workflow (extraction template) an operation works on. */
export const workflowLocator: INodeProperties = {
	displayName: 'Workflow',
	name: 'workflow',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The anyformat workflow: the extraction template that defines which fields to extract',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a workflow...',
			typeOptions: { searchListMethod: 'searchWorkflows', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://app.anyformat.ai/workflows/550e8400-e29b-41d4-a716-446655440000',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `https?://[^/]+/workflows/(${UUID})`,
						errorMessage: 'Not an anyformat workflow URL',
					},
				},
			],
			extractValue: { type: 'regex', regex: `https?://[^/]+/workflows/(${UUID})` },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
			validation: [
				{
					type: 'regex',
					properties: { regex: `^\\s*${UUID}\\s*$`, errorMessage: 'Not a valid workflow ID (a UUID)' },
				},
			],
		},
	],
};

export const collectionIdProperty: INodeProperties = {
	displayName: 'Collection ID',
	name: 'collectionId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 069dcc2c-e14c-7606-8000-2ee4fb17b4e1',
	description:
		'The submitted document (anyformat calls it a file collection): its ID is output by an extraction, as "_meta.collectionId" or, with Wait for Completion off, as the receipt ID',
};

/** Reads a required ID-like string parameter; an empty value fails before any API call. */
export function requiredId(ctx: ParameterContext, itemIndex: number, name: string, displayName: string, fix: string): string {
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value) throw invalidInput(ctx.getNode(), itemIndex, displayName, 'is empty', fix);
	if (/[\s/?#]/.test(value)) {
		throw invalidInput(ctx.getNode(), itemIndex, displayName, `"${value}" is not a valid ID`, fix);
	}
	return value;
}

const UUID_ONLY = new RegExp(`^${UUID_PATTERN}$`);

/** The workflow of an item: a UUID, checked here so a mistyped or mis-mapped ID costs no request. */
export function workflowIdOf(ctx: ParameterContext, itemIndex: number): string {
	const fix = 'Pick a workflow from the list, or paste its ID (a UUID such as 550e8400-e29b-41d4-a716-446655440000) or URL.';
	const id = requiredId(ctx, itemIndex, 'workflow', 'Workflow', fix);
	if (!UUID_ONLY.test(id)) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Workflow', `"${id}" is not a workflow ID (anyformat workflow IDs are UUIDs)`, fix);
	}
	return id;
}

/** The events anyformat sends (docs: "Webhooks — overview"). */
export const ANYFORMAT_EVENTS = ['extraction.completed', 'extraction.failed'] as const;
export type AnyformatEvent = (typeof ANYFORMAT_EVENTS)[number];

/** The events to subscribe to: used by Webhook → Create and by the Anyformat Trigger. */
export const eventsProperty: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	options: [
		{
			name: 'Extraction Completed',
			value: 'extraction.completed',
			description: 'A document was processed and its results are available',
		},
		{
			name: 'Extraction Failed',
			value: 'extraction.failed',
			description: 'Processing a document ended in an error or was cancelled',
		},
	],
	default: [...ANYFORMAT_EVENTS],
	description: 'The events to receive',
};
