import { ocrPages, phaseOf, shapeParsing, shapeV0Extract } from '../../../../../nodes/Anesya/v2/helpers/results';

describe('v0 statuses', () => {
	it('FINISHED, PARTIAL_FINISHED (and COMPLETED) succeed; ERROR (and FAILED) fail; anything else is still running', () => {
		expect(['FINISHED', 'PARTIAL_FINISHED', 'COMPLETED', 'finished'].map((status) => phaseOf({ status }))).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
		expect(['ERROR', 'FAILED'].map((status) => phaseOf({ status }))).toEqual(['failed', 'failed']);
		expect(['IN_QUEUE', 'IN_PROGRESS', 'CREATED', 'QUEUED_FOR_OCR', undefined].map((status) => phaseOf({ status }))).toEqual(['running', 'running', 'running', 'running', 'running']);
	});
});

describe('ocr_content (shape undocumented)', () => {
	it('reads a list of page objects, whatever the text field is called', () => {
		expect(ocrPages({ ocr_content: [{ page_number: 3, content: 'a', status: 'FINISHED' }, { markdown: 'b', error: 'blurred' }] })).toEqual([
			{ page: 3, status: 'FINISHED', text: 'a', error: null },
			{ page: 2, status: null, text: 'b', error: 'blurred' },
		]);
	});

	it('reads a list of strings, or an object holding `pages`; anything else gives no pages', () => {
		expect(ocrPages({ ocr_content: ['one', 'two'] }).map((p) => [p.page, p.text])).toEqual([[1, 'one'], [2, 'two']]);
		expect(ocrPages({ ocr_content: { pages: [{ text: 'x' }] } })).toEqual([{ page: 1, status: null, text: 'x', error: null }]);
		expect(ocrPages({ ocr_content: 'just text' })).toEqual([]);
		expect(ocrPages({})).toEqual([]);
	});
});

describe('shapeParsing', () => {
	it('a partial parsing names the failed pages (by error or by status) and warns', () => {
		const json = shapeParsing(
			{ id: 'p1', status: 'PARTIAL_FINISHED', markdown_content: '# one', document: { id: 'd1' }, ocr_content: [{ page: 1, text: 'one' }, { page: 2, status: 'FAILED' }, { page: 3, error: 'torn' }] },
			'simplified',
		);
		expect(json).toMatchObject({ markdown: '# one', partial: true, failedPages: [2, 3], warning: 'Anesya parsed this document only in part: pages 2, 3 failed', _meta: { parsingId: 'p1', documentId: 'd1' } });
	});
});

describe('shapeV0Extract', () => {
	it('takes the fields from `result`, the schema from a nested object or an ID, and splits only finished extracts', () => {
		const extract = { id: 'e1', status: 'FINISHED', schema: { id: 's1', name: 'Invoices' }, parsing: 'p1', result: { total: 5, lines: [{ a: 1 }, { a: 2 }] } };
		expect(shapeV0Extract(extract, { output: 'simplified' })).toEqual([
			{ total: 5, lines: [{ a: 1 }, { a: 2 }], _meta: { extractId: 'e1', status: 'FINISHED', schemaId: 's1', parsingId: 'p1', documentId: null, metadata: null, error: null, createdAt: null } },
		]);
		expect(shapeV0Extract(extract, { output: 'simplified', splitField: 'lines' }).map((item) => item.a)).toEqual([1, 2]);
		expect(shapeV0Extract({ ...extract, status: 'IN_PROGRESS', result: null }, { output: 'simplified', splitField: 'lines' })).toHaveLength(1);
	});
});
