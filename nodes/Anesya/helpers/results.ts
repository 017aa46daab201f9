import type { IDataObject } from 'n8n-workflow';

import { extractedValue, shapeResult, type ExtractedField, type ExtractionResult, type ShapeOptions } from '../../shared/items';
import { isObject } from '../../shared/values';

/** Statuses after which an extract no longer changes. */
export const FINAL_STATUSES = new Set(['FINISHED', 'ERROR']);

/**
 * One value of `extracted_data`. Anesya returns plain JSON without confidences, so every value has
 * confidence null. A list of objects is a repeating group (line items) and becomes rows, so
 * "Split Into Items" works on it; a nested object stays one value.
 */
export function parseAnesyaValue(raw: unknown): ExtractedField {
	if (!Array.isArray(raw) || raw.length === 0 || !raw.every(isObject)) return extractedValue(raw);
	const rows = raw.map((row) => Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, parseAnesyaValue(cell)])));
	return { kind: 'rows', rows };
}

/**
 * The metadata key this package adds to each Extract With Schema upload (a random ID), so that an
 * upload whose answer was lost can be found exactly. It is ours, not the user's: `_meta.metadata`
 * leaves it out.
 */
export const SUBMISSION_TAG = 'n8n_submission_id';

function userMetadata(metadata: unknown): IDataObject | null {
	if (!isObject(metadata)) return null;
	return Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== SUBMISSION_TAG));
}

/** The facts about an Extract that become `_meta`. */
export function extractMeta(extract: IDataObject): IDataObject {
	const meta: IDataObject = {
		extractId: (extract.id as string | undefined) ?? null,
		status: (extract.status as string | undefined) ?? null,
		extractionStep: (extract.extraction_step as string | undefined) ?? null,
		extractionTime: (extract.extraction_time as number | undefined) ?? null,
		creditUsed: (extract.credit_used as number | undefined) ?? null,
		documentName: (extract.document_name as string | undefined) ?? null,
		metadata: userMetadata(extract.metadata),
		workflowSessionId: (extract.workflow_session_id as number | undefined) ?? null,
		workflowId: (extract.workflow as string | undefined) ?? null,
	};
	if (extract.classifier) meta.classifierResult = (extract.classifier_result as string | undefined) ?? null;
	return meta;
}

/** An Extract (GET /extract/{id}/ or a webhook's `data`) in the vendor-neutral form. */
export function parseAnesyaExtract(extract: IDataObject, extraMeta: IDataObject = {}): ExtractionResult {
	const data = extract.extracted_data;
	const fields: Record<string, ExtractedField> = {};
	if (isObject(data)) {
		for (const [name, value] of Object.entries(data)) fields[name] = parseAnesyaValue(value);
	} else if (data !== null && data !== undefined) {
		// The schema root must be an object; keep anything else visible rather than dropping it.
		fields.extracted_data = parseAnesyaValue(data);
	}
	return {
		fields,
		meta: { ...extractMeta(extract), ...extraMeta },
		raw: extract,
		text: typeof extract.content === 'string' ? extract.content : null,
	};
}

/**
 * Output items for one Extract. An extract that has not finished has no fields, so there is
 * nothing to split: it comes out as one item with its status in `_meta`.
 */
export function shapeExtract(extract: IDataObject, shape: ShapeOptions, extraMeta: IDataObject = {}): IDataObject[] {
	const finished = extract.status === 'FINISHED';
	return shapeResult(parseAnesyaExtract(extract, extraMeta), finished ? shape : { ...shape, splitField: undefined });
}
