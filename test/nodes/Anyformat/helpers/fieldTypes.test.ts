import { fieldTypesOf, withFieldTypes } from '../../../../nodes/Anyformat/helpers/fieldTypes';
import { parseFields } from '../../../../nodes/Anyformat/helpers/results';
import { shapeResult } from '../../../../nodes/shared/items';

const field = (value: unknown, extra: Record<string, unknown> = {}) => ({ value, confidence: 90, evidence: [], ...extra });

describe('anyformat field types', () => {
	it('reads the types of flat fields (data_type or the legacy type) and of extract nodes, with nested columns', () => {
		const types = fieldTypesOf({
			fields: [
				{ name: 'total', data_type: 'float' },
				{ name: 'paid', type: 'boolean' },
				{ name: 'lines', data_type: 'object', nested_fields: [{ name: 'qty', data_type: 'integer' }] },
			],
			nodes: [{ id: 'extract_1', type: 'extract', extraction_schema: { fields: [{ name: 'count', data_type: 'integer' }, { name: 'total', data_type: 'string' }] } }],
		});
		expect([...types.keys()]).toEqual(['total', 'paid', 'lines', 'count']);
		expect(types.get('total')).toEqual({ type: 'float' });
		expect(types.get('lines')?.nested?.get('qty')).toEqual({ type: 'integer' });
	});

	it('types numbers and booleans sent as text, keeps the text as rawValue, and leaves everything else alone', () => {
		const types = fieldTypesOf({
			fields: [
				{ name: 'invoice_number', data_type: 'string' },
				{ name: 'total', data_type: 'float' },
				{ name: 'count', data_type: 'integer' },
				{ name: 'paid', data_type: 'boolean' },
				{ name: 'note', data_type: 'float' },
				{ name: 'lines', data_type: 'object', nested_fields: [{ name: 'qty', data_type: 'integer' }, { name: 'sku', data_type: 'string' }] },
			],
		});
		const fields = parseFields({
			invoice_number: field('0047'),
			total: field('1250.00', { value_override: '1300.50' }),
			count: field('-3'),
			paid: field('False'),
			note: field('about 12'),
			untyped: field('10.00'),
			lines: [{ qty: field('10.00'), sku: field('0012') }],
		});
		const typed = withFieldTypes(fields, types);
		const simplified = shapeResult({ fields: typed, meta: {}, raw: {} }, { output: 'simplified' })[0];
		expect(simplified).toEqual({
			invoice_number: '0047',
			total: 1300.5,
			count: -3,
			paid: false,
			note: 'about 12',
			untyped: '10.00',
			lines: [{ qty: 10, sku: '0012' }],
			_meta: {},
		});
		const detailed = shapeResult({ fields: typed, meta: {}, raw: {} }, { output: 'detailed' })[0] as Record<string, Record<string, unknown>>;
		expect(detailed.total).toMatchObject({ value: 1300.5, overridden: true, extractedValue: 1250, rawValue: '1250.00' });
		expect(detailed.invoice_number).not.toHaveProperty('rawValue');
		expect((detailed.lines as unknown as Array<Record<string, Record<string, unknown>>>)[0].qty).toMatchObject({ value: 10, rawValue: '10.00' });
	});
});
