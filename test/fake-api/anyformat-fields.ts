/**
 * Validation and normalisation of anyformat workflow definitions: flat `fields` (v2 variant A, v1) or the
 * node/edge graph (v2 variant B). `type` is accepted for `data_type`; enum options as strings or {name, description}.
 */
import { DATA_TYPES, type DataType, type EnumOption, type FieldDef } from './types';

export class WorkflowValidationError extends Error {
	constructor(readonly detail: string) {
		super(detail);
	}
}

export interface NormalisedWorkflow {
	name: string;
	description: string | null;
	fields: FieldDef[] | null;
	nodes?: unknown[];
	edges?: unknown[];
	manualFields?: FieldDef[];
	webhook?: string | null;
}

const NODE_TYPES = ['parse', 'extract', 'classify', 'splitter', 'validate'];

export function normaliseWorkflowInput(input: unknown): NormalisedWorkflow {
	if (!isObject(input)) throw new WorkflowValidationError("{'non_field_errors': ['Expected a JSON object.']}");
	const missing: string[] = [];
	if (typeof input.name !== 'string' || !input.name.trim()) missing.push('name');
	const hasNodes = input.nodes !== undefined;
	if (!hasNodes && input.fields === undefined) missing.push('fields');
	if (missing.length) {
		// Same wording as the documented example: "{'name': ['This field is required.'], 'fields': [...]}"
		throw new WorkflowValidationError(`{${missing.map((m) => `'${m}': ['This field is required.']`).join(', ')}}`);
	}
	if (input.description !== undefined && input.description !== null && typeof input.description !== 'string') {
		throw new WorkflowValidationError('description: must be a string or null');
	}
	const base = { name: (input.name as string).trim(), description: (input.description as string | null | undefined) ?? null };

	if (hasNodes) return { ...base, ...normaliseGraph(input) };

	if (!Array.isArray(input.fields)) throw new WorkflowValidationError('fields: must be a list of field objects');
	if (input.fields.length === 0) throw new WorkflowValidationError("{'fields': ['This field cannot be empty.']}");
	const fields = normaliseFields(input.fields, 'fields');
	const manualFields = input.manual_fields === undefined ? undefined : normaliseManualFields(input.manual_fields);
	const webhook = typeof input.webhook === 'string' ? input.webhook : undefined;
	return { ...base, fields, manualFields, webhook };
}

function normaliseGraph(input: Record<string, unknown>): Pick<NormalisedWorkflow, 'fields' | 'nodes' | 'edges'> {
	const nodes = input.nodes;
	const edges = input.edges ?? [];
	if (!Array.isArray(nodes) || nodes.length === 0) throw new WorkflowValidationError('nodes: at least one node is required');
	if (!Array.isArray(edges)) throw new WorkflowValidationError('edges: must be a list');
	const ids = new Set<string>();
	let parseCount = 0;
	const fields: FieldDef[] = [];
	nodes.forEach((node, i) => {
		if (!isObject(node)) throw new WorkflowValidationError(`nodes[${i}]: must be an object`);
		if (typeof node.id !== 'string' || !node.id) throw new WorkflowValidationError(`nodes[${i}].id: This field is required.`);
		if (ids.has(node.id)) throw new WorkflowValidationError(`nodes[${i}].id: duplicate node id "${node.id}"`);
		ids.add(node.id);
		if (typeof node.type !== 'string' || !NODE_TYPES.includes(node.type)) {
			throw new WorkflowValidationError(`nodes[${i}].type: "${String(node.type)}" is not a valid choice (${NODE_TYPES.join(', ')})`);
		}
		if (node.type === 'parse') parseCount++;
		if (node.type === 'extract') {
			const schema = node.extraction_schema;
			if (!isObject(schema) || !Array.isArray(schema.fields) || schema.fields.length === 0) {
				throw new WorkflowValidationError(`nodes[${i}].extraction_schema.fields: at least one field is required`);
			}
			fields.push(...normaliseFields(schema.fields, `nodes[${i}].extraction_schema.fields`));
		}
	});
	if (parseCount !== 1) throw new WorkflowValidationError(`nodes: exactly one node of type "parse" is required (found ${parseCount})`);
	edges.forEach((edge, i) => {
		if (!isObject(edge) || typeof edge.source !== 'string' || typeof edge.target !== 'string') {
			throw new WorkflowValidationError(`edges[${i}]: source and target are required`);
		}
		for (const end of ['source', 'target'] as const) {
			if (!ids.has(edge[end] as string)) throw new WorkflowValidationError(`edges[${i}].${end}: unknown node "${String(edge[end])}"`);
		}
	});
	return { fields: fields.length ? fields : null, nodes, edges };
}

export function normaliseFields(raw: unknown[], path: string, depth = 0): FieldDef[] {
	const names = new Set<string>();
	return raw.map((item, i) => {
		const at = `${path}[${i}]`;
		if (!isObject(item)) throw new WorkflowValidationError(`${at}: must be an object`);
		if (typeof item.name !== 'string' || !item.name.trim()) throw new WorkflowValidationError(`${at}.name: This field is required.`);
		const name = item.name.trim();
		if (names.has(name)) throw new WorkflowValidationError(`${at}.name: duplicate field name "${name}"`);
		names.add(name);
		// The docs mark description as required; an empty string is accepted.
		if (item.description !== undefined && typeof item.description !== 'string') {
			throw new WorkflowValidationError(`${at}.description: must be a string`);
		}
		if (item.description === undefined) throw new WorkflowValidationError(`${at}.description: This field is required.`);
		const rawType = item.data_type ?? item.type;
		if (rawType === undefined) throw new WorkflowValidationError(`${at}.data_type: This field is required.`);
		if (typeof rawType !== 'string' || !DATA_TYPES.includes(rawType as DataType)) {
			throw new WorkflowValidationError(`${at}.data_type: "${String(rawType)}" is not a valid choice (${DATA_TYPES.join(', ')})`);
		}
		const field: FieldDef = { name, description: item.description, data_type: rawType as DataType };
		if (field.data_type === 'enum' || field.data_type === 'multi_select') {
			field.enum_options = normaliseEnumOptions(item.enum_options, `${at}.enum_options`);
		}
		if (field.data_type === 'object') {
			if (!Array.isArray(item.nested_fields) || item.nested_fields.length === 0) {
				throw new WorkflowValidationError(`${at}.nested_fields: required (at least one field) for data_type "object"`);
			}
			if (depth >= 2) throw new WorkflowValidationError(`${at}.nested_fields: nesting deeper than 3 levels is not supported`);
			field.nested_fields = normaliseFields(item.nested_fields, `${at}.nested_fields`, depth + 1);
		}
		return field;
	});
}

function normaliseEnumOptions(raw: unknown, at: string): EnumOption[] {
	if (!Array.isArray(raw) || raw.length === 0) throw new WorkflowValidationError(`${at}: required (at least one option) for enum/multi_select fields`);
	return raw.map((opt, i) => {
		if (typeof opt === 'string' && opt.trim()) return { name: opt.trim() };
		if (isObject(opt) && typeof opt.name === 'string' && opt.name.trim()) {
			return typeof opt.description === 'string' ? { name: opt.name.trim(), description: opt.description } : { name: opt.name.trim() };
		}
		throw new WorkflowValidationError(`${at}[${i}]: must be a non-empty string or {name, description}`);
	});
}

function normaliseManualFields(raw: unknown): FieldDef[] {
	if (!Array.isArray(raw)) throw new WorkflowValidationError('manual_fields: must be a list');
	const fields = normaliseFields(raw, 'manual_fields');
	fields.forEach((f, i) => {
		if (f.data_type === 'object' || f.data_type === 'enum') {
			throw new WorkflowValidationError(`manual_fields[${i}].data_type: "${f.data_type}" is not allowed for manual fields`);
		}
	});
	return fields;
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

