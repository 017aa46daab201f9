import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { resultOptionsProperty, submissionOutputProperties } from '../../shared/descriptions';
import { invalidInput } from '../../shared/errors';
import { UUID_PATTERN } from '../../shared/values';

const UUID = UUID_PATTERN;
const UUID_ONLY = new RegExp(`^${UUID}$`);

/** Checks a value that must be a UUID (Anesya's extract, schema, workflow and classifier IDs). */
export function checkUuid(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, displayName: string, fix: string): string {
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value) throw invalidInput(ctx.getNode(), itemIndex, displayName, 'is empty', fix);
	if (!UUID_ONLY.test(value)) {
		throw invalidInput(ctx.getNode(), itemIndex, displayName, `"${value}" is not a valid ID (Anesya IDs are UUIDs)`, fix);
	}
	return value.toLowerCase();
}

/** Reads a parameter (or resource locator) that must hold a UUID. */
export function readUuid(ctx: IExecuteFunctions, itemIndex: number, name: string, displayName: string, fix: string): string {
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	return checkUuid(ctx, itemIndex, raw, displayName, fix);
}

export const extractIdProperty: INodeProperties = {
	displayName: 'Extract ID',
	name: 'extractId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
	description:
		'The extract to use: output by Extract With Schema / Extract With Workflow as "_meta.extractId" (or "ID" when not waiting for completion), and by the Anesya Trigger',
};

export function extractIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return readUuid(ctx, itemIndex, 'extractId', 'Extract ID', 'Map the "_meta.extractId" of an extraction, or paste the ID from the Anesya dashboard.');
}

/** An extraction schema from the account's schemas (GET /schema/). */
export const schemaLocator: INodeProperties = {
	displayName: 'Schema',
	name: 'schema',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The extraction schema: which fields to extract. Schemas are created in the Anesya dashboard.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a schema...',
			typeOptions: { searchListMethod: 'searchSchemas', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
			validation: [
				{
					type: 'regex',
					properties: { regex: `^\\s*${UUID}\\s*$`, errorMessage: 'Not a valid schema ID (a UUID)' },
				},
			],
		},
	],
};

export function schemaIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return readUuid(ctx, itemIndex, 'schema', 'Schema', 'Pick a schema from the list, or paste its ID (a UUID).');
}

/** Result Options, with what Review Threshold can and cannot do for Anesya. */
export const anesyaResultOptionsProperty: INodeProperties = {
	...resultOptionsProperty,
	options: (resultOptionsProperty.options ?? []).map((option) =>
		option.name === 'reviewThreshold'
			? {
					...option,
					description:
						'Anesya returns no confidence scores, so no field is ever flagged: "needsReview" is always false and "reviewFields" empty. Kept so workflows can switch between services unchanged.',
				}
			: option,
	),
};

/** The parameters after the document of both upload operations: waiting, result shape, batch. */
export const uploadResultProperties: INodeProperties[] = submissionOutputProperties(anesyaResultOptionsProperty);

/** Filter of Anesya's extract list by workflow (`workflow_id`); the API cannot list workflows, so by ID only. */
export const workflowIdFilterProperty: INodeProperties = {
	displayName: 'Workflow ID',
	name: 'workflowId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75',
	description: 'Only extracts uploaded to this workflow',
};
