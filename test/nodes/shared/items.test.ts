import { extractedValue, lowConfidenceFields, shapeResult, SplitFieldError, type ExtractionResult } from '../../../nodes/shared/items';

const invoice = (): ExtractionResult => ({
	fields: {
		invoice_number: extractedValue('INV-001', { confidence: 97, evidence: [{ text: 'Invoice #INV-001', page_number: 1 }], verificationStatus: 'not_verified' }),
		total: extractedValue(1250, { confidence: 62, valueOverride: 1300 }),
		vendor: extractedValue('Acme', { confidence: 55 }),
		tags: extractedValue(['urgent', 'q4'], { confidence: 90 }),
		line_items: {
			kind: 'rows',
			rows: [
				{ description: extractedValue('Consulting', { confidence: 92 }), amount: extractedValue(1000, { confidence: 71 }) },
				{ description: extractedValue('Travel', { confidence: 88 }), amount: extractedValue(250, { confidence: 95 }) },
			],
		},
	},
	meta: { collectionId: 'c1', workflowId: 'w1', fileName: 'invoice.pdf' },
	raw: { collection_id: 'c1', extraction: {} },
	text: '# Invoice',
});

describe('shapeResult', () => {
	it('simplified: field values, overrides win, rows become plain objects, _meta attached', () => {
		const [json] = shapeResult(invoice(), { output: 'simplified' });
		expect(json).toEqual({
			invoice_number: 'INV-001',
			total: 1300,
			vendor: 'Acme',
			tags: ['urgent', 'q4'],
			line_items: [
				{ description: 'Consulting', amount: 1000 },
				{ description: 'Travel', amount: 250 },
			],
			_meta: { collectionId: 'c1', workflowId: 'w1', fileName: 'invoice.pdf' },
		});
	});

	it('detailed: value, confidence, status and evidence per field, marks overrides', () => {
		const [json] = shapeResult(invoice(), { output: 'detailed' });
		expect(json.invoice_number).toEqual({
			value: 'INV-001',
			confidence: 97,
			verificationStatus: 'not_verified',
			evidence: [{ text: 'Invoice #INV-001', page_number: 1 }],
		});
		expect(json.total).toMatchObject({ value: 1300, overridden: true, extractedValue: 1250, confidence: 62 });
		expect((json.line_items as Array<Record<string, { value: unknown }>>)[1].amount.value).toBe(250);
	});

	it('raw: the API body untouched, arrays wrapped so the item stays an object', () => {
		expect(shapeResult(invoice(), { output: 'raw' })).toEqual([{ collection_id: 'c1', extraction: {} }]);
		expect(shapeResult({ ...invoice(), raw: [1, 2] }, { output: 'raw' })).toEqual([{ data: [1, 2] }]);
	});

	it('splits line items into one item each, carrying document fields and row position', () => {
		const items = shapeResult(invoice(), { output: 'simplified', splitField: 'line_items' });
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({ invoice_number: 'INV-001', total: 1300, description: 'Consulting', amount: 1000 });
		expect(items[0]).not.toHaveProperty('line_items');
		expect(items[1]._meta).toMatchObject({ splitField: 'line_items', rowIndex: 1, rowCount: 2, collectionId: 'c1' });
	});

	it('splits a plain list into one item per element under the field name', () => {
		const items = shapeResult(invoice(), { output: 'simplified', splitField: 'tags' });
		expect(items.map((i) => i.tags)).toEqual(['urgent', 'q4']);
	});

	it('keeps a document whose list is empty as one item', () => {
		const result = invoice();
		result.fields.line_items = { kind: 'rows', rows: [] };
		const items = shapeResult(result, { output: 'simplified', splitField: 'line_items' });
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ invoice_number: 'INV-001', _meta: { rowCount: 0, rowIndex: null } });
	});

	it('rejects splitting on a missing or single-value field with the known field names', () => {
		expect(() => shapeResult(invoice(), { output: 'simplified', splitField: 'nope' })).toThrow(SplitFieldError);
		expect(() => shapeResult(invoice(), { output: 'simplified', splitField: 'nope' })).toThrow(/fields: invoice_number, total/);
		expect(() => shapeResult(invoice(), { output: 'simplified', splitField: 'vendor' })).toThrow(/single value/);
	});

	it('review threshold flags low-confidence fields, including row cells, but not overridden ones', () => {
		const [json] = shapeResult(invoice(), { output: 'simplified', reviewThreshold: 80 });
		expect(json.needsReview).toBe(true);
		expect(json.reviewFields).toEqual(['vendor', 'line_items[0].amount']);
		const [confident] = shapeResult(invoice(), { output: 'simplified', reviewThreshold: 50 });
		expect(confident).toMatchObject({ needsReview: false, reviewFields: [] });
	});

	it('review threshold: a confidence exactly at the threshold is not flagged, one just below is', () => {
		// vendor 55, total 62 (overridden), line_items[0].amount 71
		expect(shapeResult(invoice(), { output: 'simplified', reviewThreshold: 55 })[0]).toMatchObject({ needsReview: false, reviewFields: [] });
		expect(shapeResult(invoice(), { output: 'simplified', reviewThreshold: 55.5 })[0].reviewFields).toEqual(['vendor']);
		expect(shapeResult(invoice(), { output: 'simplified', reviewThreshold: 71 })[0].reviewFields).toEqual(['vendor']);
	});

	it('review per split row only looks at that row and the document fields', () => {
		const items = shapeResult(invoice(), { output: 'simplified', splitField: 'line_items', reviewThreshold: 80 });
		expect(items[0].reviewFields).toEqual(['vendor', 'amount']);
		expect(items[1].reviewFields).toEqual(['vendor']);
	});

	it('fields without a confidence are never flagged', () => {
		expect(lowConfidenceFields({ a: extractedValue('x') }, 100)).toEqual([]);
	});

	it('adds the document text on request', () => {
		const [json] = shapeResult(invoice(), { output: 'simplified', includeText: true });
		expect(json._text).toBe('# Invoice');
	});
});
