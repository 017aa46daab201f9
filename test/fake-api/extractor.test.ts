import { deflateSync } from 'node:zlib';
import { documentFromFile, documentFromText, pdfText } from './documents';
import { extractFields, extractForJsonSchema, parseDate, parseNumber } from './extractor';
import { buildTextPdf } from './pdf';
import type { ExtractedField, FieldDef } from './types';

const field = (name: string, data_type: FieldDef['data_type'], extra: Partial<FieldDef> = {}): FieldDef => ({ name, description: '', data_type, ...extra });

describe('document text', () => {
	it('reads uncompressed and Flate-compressed PDFs page by page', () => {
		const text = 'Invoice Number: INV-1\nTotal (EUR): 12,50 (see terms)\fSecond page: yes';
		for (const compress of [false, true]) {
			const doc = documentFromFile(buildTextPdf(text, { compress }), 'a.pdf', 'application/pdf');
			expect(doc.kind).toBe('pdf');
			expect(doc.pages).toBe(2);
			expect(doc.text).toBe(text);
		}
	});

	it('handles TJ arrays, hex strings, escapes and baseline moves', () => {
		const content = [
			'BT /F1 10 Tf 50 700 Td [(Inv)10(oice)-300(#42)] TJ ET',
			'BT 50 700 Td 200 0 Td (<Amount\\)>) Tj ET',
			'BT 50 680 Td <54 6f 74 61 6c3a2031> Tj 0 -12 Td (\\101\\102C) Tj ET',
		].join('\n');
		const stream = deflateSync(Buffer.from(content, 'latin1'));
		const pdf = Buffer.concat([
			Buffer.from('%PDF-1.5\n1 0 obj\n<< /Type /Page /Contents 2 0 R >>\nendobj\n2 0 obj\n<< /Length ' + stream.length + ' /Filter [/FlateDecode] >>\nstream\n', 'latin1'),
			stream,
			Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
		]);
		expect(pdfText(pdf)).toEqual({ text: 'Invoice #42  <Amount)>\nTotal: 1\nABC', pages: 1 });
	});

	it('uses sidecar text for images and empty text otherwise', () => {
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
		expect(documentFromFile(png, 'scan.png', undefined).text).toBe('');
		const withSidecar = documentFromFile(png, 'scan.png', undefined, { [documentFromFile(png, 'x.png', undefined).sha256]: 'Total: 5' });
		expect(withSidecar).toMatchObject({ kind: 'image', text: 'Total: 5', pages: 1, contentType: 'image/png' });
		expect(documentFromText('a\fb\fc', 'x.txt').pages).toBe(3);
	});
});

describe('field extraction', () => {
	const doc = documentFromText(
		[
			'# Purchase order',
			'**Vendor Name:** Globex Ltd.',
			'PO No: 7781',
			'Order date: March 5, 2024    Delivery Date: 05/04/2024',
			'Created: 2024-03-05 14:30',
			'Priority: high',
			'Tags: urgent; fragile, export',
			'Categories: Hardware, Unknown, services',
			'Approved: no',
			'Quantity: 12 units',
			'Grand total: 1.234,56 EUR',
			'\f',
			'Items',
			'| Item | Qty | Unit price |',
			'| --- | --- | --- |',
			'| Widget | 2 | 10.5 |',
			'| Gadget | | n/a |',
		].join('\n'),
		'po.md',
	);

	const fields: FieldDef[] = [
		field('vendor_name', 'string'),
		field('po_number', 'string'),
		field('order_date', 'date'),
		field('delivery_date', 'date'),
		field('created', 'datetime'),
		field('priority', 'enum', { enum_options: [{ name: 'LOW' }, { name: 'HIGH' }] }),
		field('tags', 'list'),
		field('categories', 'multi_select', { enum_options: [{ name: 'hardware' }, { name: 'services' }] }),
		field('approved', 'boolean'),
		field('quantity', 'integer'),
		field('total', 'float', { description: 'Grand total of the order' }),
		field('missing_thing', 'string'),
		field('items', 'object', {
			nested_fields: [field('item', 'string'), field('qty', 'integer'), field('unit_price', 'float')],
		}),
	];
	const result = extractFields(doc, fields);
	const scalar = (name: string) => result[name] as ExtractedField;

	it('finds labelled values and coerces them by type', () => {
		expect(scalar('vendor_name')).toEqual({
			value: 'Globex Ltd.',
			confidence: 97,
			evidence: [{ text: '**Vendor Name:** Globex Ltd.', page_number: 1 }],
			value_override: null,
			verification_status: 'not_verified',
		});
		expect(scalar('po_number')).toMatchObject({ value: '7781' }); // "PO No" → po_number
		expect(scalar('order_date')).toMatchObject({ value: '2024-03-05', confidence: 87 });
		expect(scalar('delivery_date').value).toBe('2024-04-05'); // ambiguous → day first
		expect(scalar('created').value).toBe('2024-03-05T14:30:00Z');
		expect(scalar('priority').value).toBe('HIGH');
		expect(scalar('tags').value).toEqual(['urgent', 'fragile', 'export']);
		expect(scalar('categories').value).toEqual(['hardware', 'services']);
		expect(scalar('approved').value).toBe(false);
		expect(scalar('quantity').value).toBe(12);
		expect(scalar('total')).toMatchObject({ value: 1234.56, value_unit: 'EUR' });
	});

	it('gives lower confidence to fuzzy or heavily coerced values and null for missing ones', () => {
		expect(scalar('total').confidence).toBeLessThan(80);
		expect(scalar('quantity').confidence).toBeLessThan(90);
		expect(scalar('missing_thing')).toEqual({ value: null, confidence: null, evidence: [], value_override: null, verification_status: 'not_verified' });
	});

	it('reads line items from a markdown table under the field label, with page numbers', () => {
		const rows = result.items as Array<Record<string, ExtractedField>>;
		expect(rows).toHaveLength(2);
		expect(rows[0].item).toMatchObject({ value: 'Widget', confidence: 92, evidence: [{ text: '| Widget | 2 | 10.5 |', page_number: 2 }] });
		expect(rows[0].qty.value).toBe(2);
		expect(rows[0].unit_price.value).toBe(10.5);
		expect(rows[1].qty).toMatchObject({ value: null, confidence: null });
		expect(rows[1].unit_price.value).toBeNull();
	});

	it('is deterministic', () => {
		expect(extractFields(doc, fields)).toEqual(result);
	});

	it('maps an Anesya JSON schema to plain extracted_data', () => {
		const data = extractForJsonSchema(doc, {
			type: 'object',
			properties: {
				vendor_name: { type: 'string' },
				priority: { type: 'string', enum: ['low', 'high'] },
				approved: { type: 'boolean' },
				tags: { type: 'array', items: { type: 'string' } },
				items: { type: 'array', items: { type: 'object', properties: { item: { type: 'string' }, qty: { type: 'integer' } } } },
				nothing: { type: 'number' },
			},
		});
		expect(data).toEqual({
			vendor_name: 'Globex Ltd.',
			priority: 'high',
			approved: false,
			tags: ['urgent', 'fragile', 'export'],
			items: [
				{ item: 'Widget', qty: 2 },
				{ item: 'Gadget', qty: null },
			],
			nothing: null,
		});
	});
});

describe('coercion helpers', () => {
	it.each([
		['1,250.00', 1250],
		['$1,250.00', 1250],
		['1.250,00 €', 1250],
		['1 250,5', 1250.5],
		['(42)', -42],
		['-3.5', -3.5],
		['12,5', 12.5],
	])('parses number %s', (raw, value) => {
		expect(parseNumber(raw)?.value).toBe(value);
	});

	it.each([
		['2024-03-15', '2024-03-15'],
		['15/03/2024', '2024-03-15'],
		['03/15/2024', '2024-03-15'],
		['15.03.24', '2024-03-15'],
		['15 March 2024', '2024-03-15'],
		['Mar 15, 2024', '2024-03-15'],
		['25 novembre 2024', '2024-11-25'],
		['2024/3/5', '2024-03-05'],
	])('parses date %s', (raw, value) => {
		expect(parseDate(raw)?.value).toBe(value);
	});

	it('rejects impossible dates', () => {
		expect(parseDate('31/02/2024')).toBeUndefined();
		expect(parseDate('soon')).toBeUndefined();
	});
});
