import { parseAnesyaExtract, shapeExtract } from '../../../../nodes/Anesya/helpers/results';

const extract = {
	id: 'e1',
	document_name: 'invoice.pdf',
	status: 'FINISHED',
	extraction_step: 'LOCATION',
	extraction_time: 12.5,
	credit_used: 6,
	metadata: { order: '7' },
	workflow: 'w1',
	workflow_session_id: 1758718492,
	classifier: 'c1',
	classifier_result: 'Invoice',
	content: 'Invoice text',
	extracted_data: {
		invoice_number: 'F-1',
		amount: { value: 12, currency: 'EUR' },
		tags: ['a', 'b'],
		line_items: [
			{ label: 'Audit', taxes: [{ rate: 20 }, { rate: 5.5 }] },
			{ label: 'Fees', taxes: [] },
		],
		empty_list: [],
	},
};

describe('Anesya extract → shared ExtractionResult', () => {
	it('lists of objects become rows (also inside rows); nested objects and plain lists stay values; no confidences', () => {
		const { fields, meta, text } = parseAnesyaExtract(extract);
		expect(fields.invoice_number).toEqual({ kind: 'value', value: 'F-1', confidence: null, evidence: [], verificationStatus: null, valueOverride: undefined, unit: undefined });
		// A nested object named "value" must not be mistaken for a field wrapper.
		expect(fields.amount).toMatchObject({ kind: 'value', value: { value: 12, currency: 'EUR' } });
		expect(fields.tags).toMatchObject({ kind: 'value', value: ['a', 'b'] });
		expect(fields.empty_list).toMatchObject({ kind: 'value', value: [] });
		expect(fields.line_items).toMatchObject({ kind: 'rows', rows: [{ label: { value: 'Audit' }, taxes: { kind: 'rows' } }, { label: { value: 'Fees' }, taxes: { value: [] } }] });
		expect(meta).toEqual({
			extractId: 'e1',
			status: 'FINISHED',
			extractionStep: 'LOCATION',
			extractionTime: 12.5,
			creditUsed: 6,
			documentName: 'invoice.pdf',
			metadata: { order: '7' },
			workflowSessionId: 1758718492,
			workflowId: 'w1',
			classifierResult: 'Invoice',
		});
		expect(text).toBe('Invoice text');
	});

	it('simplified output gives back the plain JSON; a split on rows works and Review Threshold never flags', () => {
		const [simplified] = shapeExtract(extract, { output: 'simplified' });
		const { _meta, ...values } = simplified;
		expect(values).toEqual(extract.extracted_data);
		expect(_meta).toMatchObject({ extractId: 'e1' });
		const rows = shapeExtract(extract, { output: 'simplified', splitField: 'line_items', reviewThreshold: 100 });
		expect(rows.map((r) => [r.label, r.invoice_number, r.needsReview])).toEqual([
			['Audit', 'F-1', false],
			['Fees', 'F-1', false],
		]);
	});

	it('an extract without data (no schema, or not finished) has no fields and is never split', () => {
		expect(parseAnesyaExtract({ ...extract, extracted_data: null }).fields).toEqual({});
		expect(shapeExtract({ id: 'e2', status: 'IN_PROGRESS', extracted_data: null }, { output: 'simplified', splitField: 'line_items' })).toEqual([
			{ _meta: expect.objectContaining({ extractId: 'e2', status: 'IN_PROGRESS' }) },
		]);
		expect(() => shapeExtract({ ...extract, extracted_data: null }, { output: 'simplified', splitField: 'line_items' })).toThrow(/no field "line_items"/);
	});
});
