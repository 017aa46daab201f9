import type { IDataObject } from 'n8n-workflow';
import { isObject } from '../../shared/values';

/** The data types anyformat accepts for a workflow field. */
export const FIELD_DATA_TYPES = [
	'string',
	'integer',
	'float',
	'date',
	'datetime',
	'boolean',
	'list',
	'object',
	'enum',
	'multi_select',
] as const;

export type FieldDataType = (typeof FIELD_DATA_TYPES)[number];

export interface EnumOption {
	name: string;
	description?: string;
}

/** A field as POST /v2/workflows/ takes it (the flat `fields` variant). */
export interface WorkflowField {
	name: string;
	description: string;
	data_type: FieldDataType;
	enum_options?: EnumOption[];
	nested_fields?: WorkflowField[];
}

/** What is wrong with a field definition, worded for the user. */
export interface FieldProblem {
	problem: string;
	fix: string;
}

export type FieldsOutcome = { ok: true; fields: WorkflowField[] } | ({ ok: false } & FieldProblem);

/**
 * How a field is named in messages: "field 2" for the form builder (counted from 1, as the user sees
 * the list), "[1]" / "[1].nested_fields[0]" for pasted JSON (the path in the JSON itself).
 */
export type FieldLabelStyle = 'builder' | 'json';

const FIELD_NAME = /^[A-Za-z0-9_]+$/;

/** "Total Amount (EUR)" → "total_amount_eur": the key anyformat expects. */
export function suggestFieldName(name: string): string {
	return name
		.trim()
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

function labelOf(style: FieldLabelStyle, parent: string, index: number): string {
	if (style === 'json') return `${parent ? `${parent}.nested_fields` : ''}[${index}]`;
	return parent ? `${parent}, nested field ${index + 1}` : `field ${index + 1}`;
}

function named(label: string, name: unknown): string {
	return typeof name === 'string' && name.trim() ? `${label} ("${name.trim()}")` : label;
}

function normaliseEnumOptions(raw: unknown, label: string, at: string, style: FieldLabelStyle): EnumOption[] | FieldProblem {
	const list = Array.isArray(raw) ? raw : [];
	if (list.length === 0) {
		return {
			problem: `${at} is a choice field without options`,
			fix:
				style === 'json'
					? 'Add "enum_options", e.g. [{"name": "EUR", "description": "Euro"}], or pick another data type.'
					: 'Add at least one option under Options, or pick another data type.',
		};
	}
	const options: EnumOption[] = [];
	const seen = new Set<string>();
	for (const [index, entry] of list.entries()) {
		const option = typeof entry === 'string' ? { name: entry } : entry;
		const name = isObject(option) && typeof option.name === 'string' ? option.name.trim() : '';
		const optionLabel = style === 'json' ? `${label}.enum_options[${index}]` : `${at}, option ${index + 1}`;
		if (!name) {
			return { problem: `${optionLabel} has no name`, fix: 'Give every option a name, or remove the empty option.' };
		}
		if (seen.has(name)) {
			return { problem: `${at} lists the option "${name}" twice`, fix: 'Remove the repeated option.' };
		}
		seen.add(name);
		const description = isObject(option) && typeof option.description === 'string' ? option.description.trim() : '';
		options.push(description ? { name, description } : { name });
	}
	return options;
}

function normaliseList(raw: unknown[], style: FieldLabelStyle, parent: string): WorkflowField[] | FieldProblem {
	const fields: WorkflowField[] = [];
	const seen = new Map<string, string>();
	for (const [index, entry] of raw.entries()) {
		const label = labelOf(style, parent, index);
		if (!isObject(entry)) {
			return { problem: `${label} is not an object`, fix: 'Each field must be an object like {"name": "invoice_number", "description": "…", "data_type": "string"}.' };
		}
		const at = named(label, entry.name);
		const name = typeof entry.name === 'string' ? entry.name.trim() : '';
		if (!name) return { problem: `${label} has no name`, fix: 'Give every field a name in snake_case, e.g. "invoice_number".' };
		if (!FIELD_NAME.test(name)) {
			const suggestion = suggestFieldName(name);
			return {
				problem: `${at}: the name may only contain letters, digits and underscores`,
				fix: `anyformat uses field names as keys in the results; write it in snake_case${suggestion ? `, e.g. "${suggestion}"` : ''}.`,
			};
		}
		const earlier = seen.get(name);
		if (earlier !== undefined) {
			return { problem: `${at} has the same name as ${earlier}`, fix: 'Give every field a different name.' };
		}
		seen.set(name, label);

		if (entry.description !== undefined && entry.description !== null && typeof entry.description !== 'string') {
			return { problem: `${at}: the description is not text`, fix: 'Write the description as a string.' };
		}
		const rawType = entry.data_type ?? entry.type;
		const dataType = typeof rawType === 'string' ? rawType.trim().toLowerCase() : '';
		if (!(FIELD_DATA_TYPES as readonly string[]).includes(dataType)) {
			return {
				problem: rawType === undefined || rawType === '' ? `${at} has no data type` : `${at}: data type "${String(rawType)}" is not known`,
				fix: `Use one of: ${FIELD_DATA_TYPES.join(', ')}.`,
			};
		}
		const field: WorkflowField = {
			name,
			description: typeof entry.description === 'string' ? entry.description.trim() : '',
			data_type: dataType as FieldDataType,
		};
		if (field.data_type === 'enum' || field.data_type === 'multi_select') {
			const options = normaliseEnumOptions(entry.enum_options, label, at, style);
			if (!Array.isArray(options)) return options;
			field.enum_options = options;
		}
		if (field.data_type === 'object') {
			const nested = Array.isArray(entry.nested_fields) ? entry.nested_fields : [];
			if (nested.length === 0) {
				return {
					problem: `${at} is an object field without nested fields`,
					fix:
						style === 'json'
							? 'Add "nested_fields" (the columns of each row, e.g. description and amount of a line item), or pick another data type.'
							: 'Add its columns under Nested Fields, or pick another data type. For objects inside objects, define the fields using JSON.',
				};
			}
			// Builder paths name the parent ("field 2 ("lines"), nested field 1"); JSON paths stay paths.
			const nestedFields = normaliseList(nested, style, style === 'builder' ? at : label);
			if (!Array.isArray(nestedFields)) return nestedFields;
			field.nested_fields = nestedFields;
		}
		fields.push(field);
	}
	return fields;
}

/**
 * Checks field definitions and puts them in the form anyformat takes: trimmed snake_case names,
 * `data_type` (also read from `type`), enum options as `{name, description}` (also read from plain
 * strings). Options and nested fields are only kept for the types that use them.
 */
export function normaliseWorkflowFields(raw: unknown[], style: FieldLabelStyle): FieldsOutcome {
	if (raw.length === 0) {
		return {
			ok: false,
			problem: 'no fields are defined',
			fix: style === 'json' ? 'Paste a non-empty array of fields.' : 'Add at least one field to extract.',
		};
	}
	const fields = normaliseList(raw, style, '');
	return Array.isArray(fields) ? { ok: true, fields } : { ok: false, ...fields };
}

/** Builder rows (fixedCollection values) in the API's own key names, ready for normaliseWorkflowFields. */
export function fieldsFromBuilder(value: unknown): IDataObject[] {
	const rows = isObject(value) && Array.isArray(value.field) ? (value.field as unknown[]) : [];
	return rows.filter(isObject).map((row) => {
		const options = isObject(row.enumOptions) && Array.isArray(row.enumOptions.option) ? row.enumOptions.option : [];
		const out: IDataObject = {
			name: row.name,
			description: row.description,
			data_type: row.dataType,
			enum_options: options as IDataObject[],
		};
		if (row.nestedFields !== undefined) out.nested_fields = fieldsFromBuilder(row.nestedFields);
		return out;
	});
}

const JSON_LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const MAX_JSON_DEPTH = 500;

/**
 * Offset of the first JSON syntax error in `text` (text.length when it ends too early), or undefined
 * when it is valid. JSON.parse does not always say where it stopped, and users need the place.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
	let i = 0;
	const space = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
	};
	const string = (): boolean => {
		i++;
		while (i < text.length) {
			const c = text[i];
			if (c === '"') {
				i++;
				return true;
			}
			if (c === '\\') {
				JSON_ESCAPE.lastIndex = i;
				if (!JSON_ESCAPE.test(text)) return false;
				i = JSON_ESCAPE.lastIndex;
			} else if (c < ' ') return false;
			else i++;
		}
		return false;
	};
	const value = (depth: number): boolean => {
		space();
		const open = text[i];
		if (open === '{' || open === '[') {
			if (depth > MAX_JSON_DEPTH) return false;
			const close = open === '{' ? '}' : ']';
			i++;
			space();
			if (text[i] === close) {
				i++;
				return true;
			}
			for (;;) {
				if (open === '{') {
					space();
					if (text[i] !== '"' || !string()) return false;
					space();
					if (text[i] !== ':') return false;
					i++;
				}
				if (!value(depth + 1)) return false;
				space();
				if (text[i] === close) {
					i++;
					return true;
				}
				if (text[i] !== ',') return false;
				i++;
			}
		}
		if (open === '"') return string();
		JSON_LITERAL.lastIndex = i;
		if (!JSON_LITERAL.test(text)) return false;
		i = JSON_LITERAL.lastIndex;
		return true;
	};
	if (!value(0)) return Math.min(i, text.length);
	space();
	return i === text.length ? undefined : i;
}

/** Where and why pasted JSON is invalid, e.g. 'unexpected "]" at line 3, column 1'. */
export function describeJsonError(text: string): string | undefined {
	const offset = jsonSyntaxErrorOffset(text);
	if (offset === undefined) return undefined;
	if (offset >= text.length) return 'it ends too early (a bracket, brace or quote is not closed)';
	const lines = text.slice(0, offset).split('\n');
	return `unexpected ${JSON.stringify(text[offset])} at line ${lines.length}, column ${lines[lines.length - 1].length + 1}`;
}

/**
 * Parses the pasted fields: an array of fields, or an object with a `fields` array (a whole workflow
 * definition). Returns the entries or what is wrong, with where the JSON breaks.
 */
export function parseFieldsJson(value: unknown): { ok: true; entries: unknown[] } | ({ ok: false } & FieldProblem) {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (!value.trim()) return { ok: false, problem: 'is empty', fix: 'Paste the array of fields, e.g. [{"name": "invoice_number", "description": "…", "data_type": "string"}].' };
		const attempt = (() => {
			try {
				return { ok: true as const, value: JSON.parse(value) as unknown };
			} catch (error) {
				return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
			}
		})();
		if (!attempt.ok) {
			return {
				ok: false,
				problem: `is not valid JSON: ${describeJsonError(value) ?? attempt.message}`,
				fix: 'Check the quotes, commas and brackets there; JSON needs double quotes around names and text, and no comma after the last entry.',
			};
		}
		parsed = attempt.value;
	}
	if (isObject(parsed) && Array.isArray(parsed.fields)) parsed = parsed.fields;
	if (!Array.isArray(parsed)) {
		return { ok: false, problem: 'is not an array of fields', fix: 'Paste a JSON array, e.g. [{"name": "invoice_number", "description": "…", "data_type": "string"}].' };
	}
	return { ok: true, entries: parsed };
}
