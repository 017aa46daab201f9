import type { IDataObject } from 'n8n-workflow';

import { extractedValue, type ExtractedField, type ExtractionResult } from '../../shared/items';
import { isObject } from '../../shared/values';

const FIELD_KEYS = new Set(['value', 'confidence', 'evidence', 'value_override', 'verification_status', 'value_unit', 'id']);

/** An ExtractedField: `{value, confidence?, evidence?, value_override?, verification_status?, …}`. */
function isExtractedField(value: unknown): value is IDataObject {
	if (!isObject(value) || !('value' in value)) return false;
	const keys = Object.keys(value);
	if (!keys.every((k) => FIELD_KEYS.has(k))) return false;
	// A row with a column named "value" holds an ExtractedField there, not a plain value.
	return !isExtractedField(value.value);
}

function toConfidence(value: unknown): number | null {
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function fromExtractedField(field: IDataObject): ExtractedField {
	return extractedValue(field.value, {
		confidence: toConfidence(field.confidence),
		evidence: Array.isArray(field.evidence) ? (field.evidence as IDataObject[]) : [],
		verificationStatus: typeof field.verification_status === 'string' ? field.verification_status : null,
		valueOverride: field.value_override,
		unit: typeof field.value_unit === 'string' ? field.value_unit : undefined,
	});
}

/** One result value in any shape anyformat has used (single field, as_lists list, rows, plain value). */
export function parseField(raw: unknown): ExtractedField {
	if (isExtractedField(raw)) return fromExtractedField(raw);
	if (Array.isArray(raw)) {
		if (raw.length > 0 && raw.every(isExtractedField)) {
			// `as_lists=true` wraps single values in one-element lists; longer lists are multi-values.
			const fields = raw.map((f) => fromExtractedField(f)) as Array<ExtractedField & { kind: 'value' }>;
			if (fields.length === 1) return fields[0];
			const confidences = fields.map((f) => f.confidence).filter((c): c is number => c !== null);
			return extractedValue(
				fields.map((f) => f.value),
				{
					confidence: confidences.length ? Math.min(...confidences) : null,
					evidence: fields.flatMap((f) => f.evidence),
					verificationStatus: fields[0].verificationStatus,
				},
			);
		}
		if (raw.every(isObject)) {
			return {
				kind: 'rows',
				rows: raw.map((row) => {
					const cells: Record<string, ExtractedField> = {};
					for (const [name, cell] of Object.entries(row)) cells[name] = parseField(cell);
					return cells;
				}),
			};
		}
		return extractedValue(raw);
	}
	return extractedValue(raw);
}

export function parseFields(raw: unknown): Record<string, ExtractedField> {
	const fields: Record<string, ExtractedField> = {};
	if (Array.isArray(raw)) {
		// Oldest results shape: [{ field_name, value, confidence, … }]
		for (const entry of raw) {
			if (isObject(entry) && typeof entry.field_name === 'string') {
				const { field_name: name, ...field } = entry;
				fields[name as string] = parseField(field);
			}
		}
		return fields;
	}
	if (isObject(raw)) {
		for (const [name, value] of Object.entries(raw)) fields[name] = parseField(value);
	}
	return fields;
}

/**
 * A results body (v2 results endpoint, v1 job, or export entry) as one or more extractions. Branched
 * workflows return one extraction per split/partition; each becomes its own result.
 */
export function parseAnyformatResults(body: IDataObject, meta: IDataObject): ExtractionResult[] {
	const text = isObject(body.parse) && typeof body.parse.markdown === 'string' ? body.parse.markdown : null;
	const baseMeta: IDataObject = { ...meta };
	if (typeof body.collection_id === 'string') baseMeta.collectionId = body.collection_id;
	if (typeof body.verification_url === 'string') baseMeta.verificationUrl = body.verification_url;
	if (Array.isArray(body.classifications) && body.classifications.length) baseMeta.classifications = body.classifications;

	const extractions = Array.isArray(body.extractions) ? (body.extractions as IDataObject[]).filter(isObject) : [];
	if (extractions.length > 1) {
		return extractions.map((extraction, index) => ({
			fields: parseFields(extraction.fields),
			meta: {
				...baseMeta,
				extractionIndex: index,
				splitName: (extraction.split_name as string | null) ?? null,
				partition: (extraction.partition as IDataObject[string]) ?? null,
			},
			raw: body,
			text,
		}));
	}
	const fieldsSource =
		extractions[0]?.fields ?? (isObject(body.extraction) ? body.extraction : undefined) ?? body.results ?? {};
	return [{ fields: parseFields(fieldsSource), meta: baseMeta, raw: body, text }];
}
