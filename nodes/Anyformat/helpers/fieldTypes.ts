import type { IDataObject } from 'n8n-workflow';

import { ApiRequestError } from '../../shared/errors';
import type { ExtractedField, ExtractedValue } from '../../shared/items';
import type { ApiContext } from '../../shared/request';
import { isObject } from '../../shared/values';
import { anyformatBody } from '../transport';

/** A workflow's fields by name: their anyformat data type, and the columns of `object` fields. */
export type FieldTypes = Map<string, { type: string; nested?: FieldTypes }>;

function typesOfFieldList(raw: unknown): FieldTypes {
	const types: FieldTypes = new Map();
	if (!Array.isArray(raw)) return types;
	for (const field of raw) {
		if (!isObject(field) || typeof field.name !== 'string') continue;
		// v2 says `data_type`, the oldest v1 definitions `type`.
		const type = typeof field.data_type === 'string' ? field.data_type : typeof field.type === 'string' ? field.type : 'string';
		types.set(field.name, Array.isArray(field.nested_fields) ? { type, nested: typesOfFieldList(field.nested_fields) } : { type });
	}
	return types;
}

/** Field types of a workflow body: its flat `fields`, or the fields of its extract nodes. */
export function fieldTypesOf(workflow: IDataObject): FieldTypes {
	const types = typesOfFieldList(workflow.fields);
	for (const node of Array.isArray(workflow.nodes) ? workflow.nodes : []) {
		if (!isObject(node) || !isObject(node.extraction_schema)) continue;
		for (const [name, type] of typesOfFieldList(node.extraction_schema.fields)) if (!types.has(name)) types.set(name, type);
	}
	return types;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value as its data type says (the legacy API sends numbers as text, e.g. "10.00"); undefined = unchanged. */
function typed(value: unknown, type: string): unknown {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if ((type === 'integer' || type === 'float') && NUMBER.test(text)) return Number(text);
	if (type === 'boolean' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
	return undefined;
}

function typedValue(field: ExtractedValue, type: string): ExtractedValue {
	const value = typed(field.value, type);
	const override = typed(field.valueOverride, type);
	if (value === undefined && override === undefined) return field;
	return {
		...field,
		value: value === undefined ? field.value : value,
		valueOverride: override === undefined ? field.valueOverride : override,
		// Detailed output shows what the API sent next to the typed value.
		...(value === undefined ? {} : { rawValue: field.value }),
	};
}

/** Gives every value the type its workflow field declares, rows cell by cell; unknown fields stay as sent. */
export function withFieldTypes(fields: Record<string, ExtractedField>, types: FieldTypes): Record<string, ExtractedField> {
	const out: Record<string, ExtractedField> = {};
	for (const [name, field] of Object.entries(fields)) {
		const declared = types.get(name);
		if (!declared) out[name] = field;
		else if (field.kind === 'rows') out[name] = { kind: 'rows', rows: field.rows.map((row) => withFieldTypes(row, declared.nested ?? new Map())) };
		else out[name] = typedValue(field, declared.type);
	}
	return out;
}

/** Per node execution: one workflow lookup however many items name the same workflow. */
const lookups = new WeakMap<object, Map<string, Promise<FieldTypes | undefined>>>();

/**
 * The field types of a workflow (one GET /v2/workflows/{id}/ per workflow and node execution). Undefined when the
 * workflow cannot be read (deleted, or another key's): values then stay as the API sent them.
 */
export async function workflowFieldTypes(ctx: ApiContext, workflowId: string, itemIndex: number): Promise<FieldTypes | undefined> {
	let cache = lookups.get(ctx);
	if (!cache) lookups.set(ctx, (cache = new Map()));
	let lookup = cache.get(workflowId);
	if (!lookup) {
		lookup = anyformatBody(ctx, { method: 'GET', path: `/v2/workflows/${encodeURIComponent(workflowId)}/`, itemIndex }).then(
			(body) => fieldTypesOf(body),
			(error: unknown) => {
				if (error instanceof ApiRequestError && (error.status === 404 || error.status === 403)) return undefined;
				throw error;
			},
		);
		cache.set(workflowId, lookup);
	}
	return await lookup;
}
