import type { IDataObject } from 'n8n-workflow';

/** One extracted value with what the API says about it. */
export interface ExtractedValue {
	kind: 'value';
	value: unknown;
	/** 0–100, or null when the API gives none. */
	confidence: number | null;
	evidence: IDataObject[];
	verificationStatus: string | null;
	/** A human correction made in the vendor's review UI; wins over `value` when set. */
	valueOverride?: unknown;
	unit?: string | null;
	/** What the API sent when `value` was converted to its declared type (e.g. "10.00" for 10). */
	rawValue?: unknown;
}

/** A repeating group (line items): rows of named values. */
export interface ExtractedRows {
	kind: 'rows';
	rows: Array<Record<string, ExtractedField>>;
}

export type ExtractedField = ExtractedValue | ExtractedRows;

/** A document's extraction in vendor-neutral form. */
export interface ExtractionResult {
	fields: Record<string, ExtractedField>;
	/** Ids and facts about the document (becomes `_meta`). */
	meta: IDataObject;
	/** The API's own response body, for the Raw output. */
	raw: unknown;
	/** Document text (OCR / markdown), when the API returned it. */
	text?: string | null;
}

export type OutputMode = 'simplified' | 'detailed' | 'raw';

export interface ShapeOptions {
	output: OutputMode;
	/** Emit one item per row of this field, each carrying the document-level fields. */
	splitField?: string;
	/** Flag fields whose confidence (0–100) is below this. */
	reviewThreshold?: number;
	/** Add the document text as `_text`. */
	includeText?: boolean;
}

export function extractedValue(value: unknown, details: Partial<Omit<ExtractedValue, 'kind' | 'value'>> = {}): ExtractedValue {
	return {
		kind: 'value',
		value: value ?? null,
		confidence: details.confidence ?? null,
		evidence: details.evidence ?? [],
		verificationStatus: details.verificationStatus ?? null,
		valueOverride: details.valueOverride,
		unit: details.unit,
		...(details.rawValue === undefined ? {} : { rawValue: details.rawValue }),
	};
}

function hasOverride(field: ExtractedValue): boolean {
	return field.valueOverride !== undefined && field.valueOverride !== null;
}

function simplify(field: ExtractedField): unknown {
	if (field.kind === 'rows') return field.rows.map((row) => mapValues(row, simplify));
	return hasOverride(field) ? field.valueOverride : field.value;
}

function detail(field: ExtractedField): unknown {
	if (field.kind === 'rows') return field.rows.map((row) => mapValues(row, detail));
	const out: IDataObject = {
		value: (hasOverride(field) ? field.valueOverride : field.value) as IDataObject[string],
		confidence: field.confidence,
		verificationStatus: field.verificationStatus,
		evidence: field.evidence,
	};
	if (field.unit !== undefined && field.unit !== null) out.unit = field.unit;
	if (field.rawValue !== undefined) out.rawValue = field.rawValue as IDataObject[string];
	if (hasOverride(field)) {
		out.overridden = true;
		out.extractedValue = field.value as IDataObject[string];
	}
	return out;
}

function mapValues<T>(record: Record<string, ExtractedField>, fn: (f: ExtractedField) => T): Record<string, T> {
	const out: Record<string, T> = {};
	for (const [name, field] of Object.entries(record)) out[name] = fn(field);
	return out;
}

/** Names of fields below the threshold, with row paths like `line_items[2].amount`. */
export function lowConfidenceFields(fields: Record<string, ExtractedField>, threshold: number, prefix = ''): string[] {
	const flagged: string[] = [];
	for (const [name, field] of Object.entries(fields)) {
		const path = prefix ? `${prefix}.${name}` : name;
		if (field.kind === 'rows') {
			field.rows.forEach((row, i) => flagged.push(...lowConfidenceFields(row, threshold, `${path}[${i}]`)));
		} else if (field.confidence !== null && field.confidence < threshold && !hasOverride(field)) {
			// A human override is a reviewed value, whatever the model's confidence was.
			flagged.push(path);
		}
	}
	return flagged;
}

/** Rows of a field to split on: table rows, or the elements of a list value (kept under its name). */
function rowsOf(name: string, field: ExtractedField): Array<Record<string, ExtractedField>> | undefined {
	if (field.kind === 'rows') return field.rows;
	const value = hasOverride(field) ? field.valueOverride : field.value;
	if (!Array.isArray(value)) return undefined;
	return value.map((element) => ({
		[name]: extractedValue(element, { confidence: field.confidence, evidence: field.evidence }),
	}));
}

export class SplitFieldError extends Error {}

/**
 * Turns one document's extraction into n8n item JSON: one object, or one per row when splitting.
 * Simplified = `field: value` (a human override wins), repeating groups as arrays of plain rows;
 * Detailed = value, confidence, verification status and evidence per field; Raw = the API body.
 */
export function shapeResult(result: ExtractionResult, options: ShapeOptions): IDataObject[] {
	if (options.output === 'raw') {
		const raw = (result.raw ?? {}) as IDataObject;
		return [Array.isArray(raw) ? { data: raw } : raw];
	}
	const render = options.output === 'detailed' ? detail : simplify;
	const withExtras = (fields: Record<string, ExtractedField>, json: IDataObject, meta: IDataObject): IDataObject => {
		if (options.reviewThreshold !== undefined) {
			const flagged = lowConfidenceFields(fields, options.reviewThreshold);
			json.needsReview = flagged.length > 0;
			json.reviewFields = flagged;
		}
		if (options.includeText) json._text = result.text ?? null;
		json._meta = meta;
		return json;
	};

	if (!options.splitField) {
		return [withExtras(result.fields, mapValues(result.fields, render) as IDataObject, { ...result.meta })];
	}

	const splitName = options.splitField;
	const splitOn = result.fields[splitName];
	if (!splitOn) {
		const known = Object.keys(result.fields);
		throw new SplitFieldError(
			`The result has no field "${splitName}"${known.length ? ` (fields: ${known.join(', ')})` : ''}`,
		);
	}
	const rows = rowsOf(splitName, splitOn);
	if (!rows) {
		throw new SplitFieldError(`Field "${splitName}" holds a single value, not a list of rows`);
	}
	const documentFields = { ...result.fields };
	delete documentFields[splitName];

	if (rows.length === 0) {
		// Keep the document: an invoice without line items still deserves a row downstream.
		const json = mapValues(documentFields, render) as IDataObject;
		return [withExtras(documentFields, json, { ...result.meta, splitField: splitName, rowIndex: null, rowCount: 0 })];
	}
	return rows.map((row, rowIndex) => {
		// Row values win over document values of the same name.
		const fields = { ...documentFields, ...row };
		const json = mapValues(fields, render) as IDataObject;
		return withExtras(fields, json, { ...result.meta, splitField: splitName, rowIndex, rowCount: rows.length });
	});
}
