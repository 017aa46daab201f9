import type { IGetNodeParameterOptions, INode, INodeProperties } from 'n8n-workflow';

import { invalidInput } from './errors';
import type { OutputMode, ShapeOptions } from './items';
import type { LostAnswers } from './ledger';

/** Parameters every result-returning operation shows, in both vendors' nodes. */
export const outputProperty: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'Detailed',
			value: 'detailed',
			description: 'Each field with its value, confidence, verification status and evidence',
		},
		{
			name: 'Raw',
			value: 'raw',
			description: 'The API response as it is',
		},
		{
			name: 'Simplified',
			value: 'simplified',
			description: 'One key per field holding its value; line items as lists of plain rows',
		},
	],
	default: 'simplified',
	description: 'How to shape the results of each document',
};

export const resultOptionsProperty: INodeProperties = {
	displayName: 'Result Options',
	name: 'resultOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { hide: { output: ['raw'] } },
	options: [
		{
			displayName: 'Include Document Text',
			name: 'includeText',
			type: 'boolean',
			default: false,
			description: 'Whether to add the text the service read from the document (OCR or markdown) as "_text"',
		},
		{
			displayName: 'Review Threshold',
			name: 'reviewThreshold',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
			default: 80,
			description:
				'Flag fields extracted with a confidence (0–100) below this. Adds "needsReview" (true/false) and "reviewFields" (the names of the flagged fields), for routing with an If node.',
		},
		{
			displayName: 'Split Into Items',
			name: 'splitField',
			type: 'string',
			default: '',
			placeholder: 'e.g. line_items',
			description:
				'Name of a list field (such as line items). Outputs one item per row, each also carrying the document-level fields.',
		},
	],
};

export const waitForCompletionProperties: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the document is processed and output its results. Off: output the submission receipt (IDs) at once and fetch the results later, or with the trigger node.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		displayOptions: { show: { waitForCompletion: [true] } },
		description:
			'How long to wait for each document, from its submission. A document still processing then fails with its ID, so its results can be fetched later.',
	},
];

/** What to do when a lost answer cannot be told apart (see SubmissionLedger). */
export const lostAnswersOption: INodeProperties = {
	displayName: 'Lost Answers',
	name: 'lostAnswers',
	type: 'options',
	options: [
		{
			name: 'Resend Safely',
			value: 'resend',
			description:
				'Every item completes. When the service cannot tell whether a document whose answer was lost was stored, it is sent again and the item names the possible earlier copy in "_meta.possibleDuplicateOf".',
		},
		{
			name: 'Fail the Item',
			value: 'fail',
			description:
				'Never risk a second charge: such an item fails and names the candidates to check. Slower with anyformat (each document is uploaded, then run: two submissions).',
		},
	],
	default: 'resend',
	description:
		'What to do when the connection drops after a document was sent and the service cannot tell which stored submission it became. Submissions of other clients are never taken for this run.',
};

export const maxInFlightOption: INodeProperties = {
	displayName: 'Max Documents in Flight',
	name: 'maxInFlight',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30,
	description:
		'A cap on how many documents of this run may be between submission and result at once. Without it, as many as keep submissions at the API rate limit (slow documents need more in flight); at most 8 uploads are on the wire either way. 1 processes documents strictly one after another.',
};

export const batchOptionsProperty: INodeProperties = {
	displayName: 'Batch Options',
	name: 'batchOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [lostAnswersOption, maxInFlightOption],
};

/** What the parameter readers need: action nodes pass `this`; triggers pass triggerParameters(this). */
export interface ParameterContext {
	getNode(): INode;
	getNodeParameter(name: string, itemIndex: number, fallback?: unknown, options?: IGetNodeParameterOptions): unknown;
}

/** Reads Output + Result Options for one item, validated. */
export function readShapeOptions(ctx: ParameterContext, itemIndex: number): ShapeOptions {
	const output = ctx.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
	if (output === 'raw') return { output };
	const options = ctx.getNodeParameter('resultOptions', itemIndex, {}) as {
		includeText?: boolean;
		reviewThreshold?: number;
		splitField?: string;
	};
	const threshold = options.reviewThreshold;
	if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 100))) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			'Review Threshold',
			`"${String(threshold)}" is not a number from 0 to 100`,
			'Enter a confidence between 0 and 100, e.g. 80.',
		);
	}
	return {
		output,
		includeText: options.includeText === true,
		reviewThreshold: threshold,
		splitField: options.splitField?.trim() || undefined,
	};
}

/** Reads Wait for Completion + Timeout for one item. */
export function readWaitOptions(ctx: ParameterContext, itemIndex: number): { wait: boolean; timeoutMs: number } {
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	if (!wait) return { wait, timeoutMs: 0 };
	const seconds = ctx.getNodeParameter('timeout', itemIndex, 600) as number;
	if (typeof seconds !== 'number' || !(seconds > 0)) {
		throw invalidInput(
			ctx.getNode(),
			itemIndex,
			'Timeout (Seconds)',
			`"${String(seconds)}" is not a positive number of seconds`,
			'Enter how many seconds to wait for each document, e.g. 600.',
		);
	}
	return { wait, timeoutMs: seconds * 1000 };
}

/** The wait, output and batch parameters every submitting operation shows, in both nodes. */
export function submissionOutputProperties(resultOptions: INodeProperties = resultOptionsProperty): INodeProperties[] {
	return [
		...waitForCompletionProperties,
		{ ...outputProperty, displayOptions: { show: { waitForCompletion: [true] } } },
		{ ...resultOptions, displayOptions: { show: { waitForCompletion: [true] }, hide: { output: ['raw'] } } },
		batchOptionsProperty,
	];
}

/** The batch options of this run, read once from the first item. */
function batchOptions(ctx: ParameterContext): { maxInFlight?: unknown; lostAnswers?: unknown } {
	const options = ctx.getNodeParameter('batchOptions', 0, {}) as unknown;
	return options && typeof options === 'object' ? options : {};
}

/**
 * Max Documents in Flight for this run (read once, from the first item); undefined when the user
 * set none: then as many as keep submissions at the API's rate limit.
 */
export function readMaxInFlight(ctx: ParameterContext): number | undefined {
	const raw = batchOptions(ctx).maxInFlight;
	if (raw === undefined || raw === null || raw === '') return undefined;
	const n = Number(raw);
	if (!Number.isFinite(n) || Math.floor(n) < 1) {
		throw invalidInput(
			ctx.getNode(),
			0,
			'Max Documents in Flight',
			`"${String(raw)}" is not a whole number of at least 1`,
			'Enter how many documents may be processed at once, e.g. 30, or remove the option to use the default.',
		);
	}
	return Math.floor(n);
}

/** Lost Answers for this run: 'resend' (default) or 'fail'. */
export function readLostAnswers(ctx: ParameterContext): LostAnswers {
	const raw = batchOptions(ctx).lostAnswers ?? 'resend';
	if (raw !== 'resend' && raw !== 'fail') {
		throw invalidInput(ctx.getNode(), 0, 'Lost Answers', `"${String(raw)}" is not a choice`, 'Choose "Resend Safely" or "Fail the Item".');
	}
	return raw;
}

/** The binary field an uploaded document is read from (hint worded per operation). */
export function inputBinaryFieldProperty(hint: string): INodeProperties {
	return {
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint,
	};
}

/** Where an operation that downloads a file puts it (n8n's usual name and wording). */
export const outputBinaryFieldProperty: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	placeholder: 'e.g. data',
	hint: 'The name of the output binary field to put the file in',
};

export function readOutputBinaryField(ctx: ParameterContext, itemIndex: number): string {
	const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	if (!field) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Put Output File in Field', 'is empty', 'Enter the name of the binary field for the file, usually "data".');
	}
	return field;
}

/** Return All + Limit, the n8n convention for "Get Many" operations. */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

/** The number of items a Get Many operation should return (Infinity for Return All). */
export function readLimit(ctx: ParameterContext, itemIndex: number): number {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return Infinity;
	const limit = ctx.getNodeParameter('limit', itemIndex, 50) as number;
	if (typeof limit !== 'number' || !(limit >= 1)) {
		throw invalidInput(ctx.getNode(), itemIndex, 'Limit', `"${String(limit)}" is not a number of at least 1`, 'Enter how many results to return, or turn on Return All.');
	}
	return Math.floor(limit);
}

/**
 * The Signature Check option of a webhook trigger (Auto / Required, default Auto: see the README for
 * why); each trigger says in its own words what the two values mean for its service.
 */
export function signatureCheckProperty(text: { auto: string; required: string; description: string }): INodeProperties {
	return {
		displayName: 'Signature Check',
		name: 'signatureCheck',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Auto', value: 'auto', description: text.auto },
			{ name: 'Required', value: 'required', description: text.required },
		],
		default: 'auto',
		description: text.description,
	};
}
