import {
	describeJsonError,
	fieldsFromBuilder,
	jsonSyntaxErrorOffset,
	normaliseWorkflowFields,
	parseFieldsJson,
	suggestFieldName,
} from '../../../../nodes/Anyformat/helpers/workflowFields';

const problemOf = (raw: unknown[], style: 'builder' | 'json' = 'json') => {
	const outcome = normaliseWorkflowFields(raw, style);
	return outcome.ok ? undefined : outcome.problem;
};

describe('normaliseWorkflowFields', () => {
	it('puts fields in the API form: trimmed names, data_type, option objects, options only where used', () => {
		const outcome = normaliseWorkflowFields(
			[
				{ name: ' invoice_number ', description: ' The number ', type: 'STRING' },
				{ name: 'currency', data_type: 'enum', enum_options: ['USD', { name: ' EUR ', description: ' Euro ' }, { name: 'GBP', description: '' }] },
				{ name: 'total', data_type: 'float', enum_options: ['x'], nested_fields: [{ name: 'y' }] },
				{ name: 'lines', data_type: 'object', nested_fields: [{ name: 'amount', data_type: 'float' }] },
			],
			'json',
		);
		expect(outcome).toEqual({
			ok: true,
			fields: [
				{ name: 'invoice_number', description: 'The number', data_type: 'string' },
				{ name: 'currency', description: '', data_type: 'enum', enum_options: [{ name: 'USD' }, { name: 'EUR', description: 'Euro' }, { name: 'GBP' }] },
				{ name: 'total', description: '', data_type: 'float' },
				{ name: 'lines', description: '', data_type: 'object', nested_fields: [{ name: 'amount', description: '', data_type: 'float' }] },
			],
		});
	});

	it('accepts every anyformat data type', () => {
		const types = ['string', 'integer', 'float', 'date', 'datetime', 'boolean', 'list', 'object', 'enum', 'multi_select'];
		const outcome = normaliseWorkflowFields(
			types.map((t) => ({ name: `f_${t}`, data_type: t, enum_options: ['a'], nested_fields: [{ name: 'n', data_type: 'string' }] })),
			'json',
		);
		expect(outcome.ok && outcome.fields.map((f) => f.data_type)).toEqual(types);
	});

	it.each([
		[[], 'no fields are defined'],
		[['invoice_number'], '[0] is not an object'],
		[[{ description: 'x', data_type: 'string' }], '[0] has no name'],
		[[{ name: 'total amount', data_type: 'float' }], '[0] ("total amount"): the name may only contain letters, digits and underscores'],
		[[{ name: 'total-amount', data_type: 'float' }], '[0] ("total-amount"): the name may only contain letters, digits and underscores'],
		[[{ name: 'a', data_type: 'string' }, { name: 'a', data_type: 'float' }], '[1] ("a") has the same name as [0]'],
		[[{ name: 'a' }], '[0] ("a") has no data type'],
		[[{ name: 'a', data_type: 'money' }], '[0] ("a"): data type "money" is not known'],
		[[{ name: 'a', data_type: 'string', description: 5 }], '[0] ("a"): the description is not text'],
		[[{ name: 'c', data_type: 'enum' }], '[0] ("c") is a choice field without options'],
		[[{ name: 'c', data_type: 'multi_select', enum_options: [] }], '[0] ("c") is a choice field without options'],
		[[{ name: 'c', data_type: 'enum', enum_options: ['a', ' '] }], '[0].enum_options[1] has no name'],
		[[{ name: 'c', data_type: 'enum', enum_options: ['a', { name: 'a' }] }], '[0] ("c") lists the option "a" twice'],
		[[{ name: 'o', data_type: 'object' }], '[0] ("o") is an object field without nested fields'],
		[
			[{ name: 'o', data_type: 'object', nested_fields: [{ name: 'x', data_type: 'string' }, { name: 'x', data_type: 'string' }] }],
			'[0].nested_fields[1] ("x") has the same name as [0].nested_fields[0]',
		],
		[[{ name: 'o', data_type: 'object', nested_fields: [{ name: 'p', data_type: 'object', nested_fields: [{ name: 'bad name' }] }] }], '[0].nested_fields[0].nested_fields[0] ("bad name"): the name may only contain letters, digits and underscores'],
	])('JSON %j → %s', (raw, problem) => {
		expect(problemOf(raw as unknown[])).toBe(problem);
	});

	it('names builder fields the way the user counts them', () => {
		expect(problemOf([{ name: 'ok', data_type: 'string' }, { name: 'o', data_type: 'object', nested_fields: [{ name: '', data_type: 'x' }] }], 'builder')).toBe(
			'field 2 ("o"), nested field 1 has no name',
		);
		expect(problemOf([{ name: 'c', data_type: 'enum', enum_options: [{ name: '' }] }], 'builder')).toBe('field 1 ("c"), option 1 has no name');
	});

	it('tells builder users to use JSON for objects inside objects', () => {
		const outcome = normaliseWorkflowFields([{ name: 'o', data_type: 'object', nested_fields: [{ name: 'p', data_type: 'object' }] }], 'builder');
		expect(outcome).toMatchObject({ ok: false, problem: 'field 1 ("o"), nested field 1 ("p") is an object field without nested fields' });
		expect(!outcome.ok && outcome.fix).toMatch(/using JSON/);
	});
});

describe('fieldsFromBuilder', () => {
	it('maps the fixed collection to the API key names, nested fields included', () => {
		expect(
			fieldsFromBuilder({
				field: [
					{ name: 'c', description: 'd', dataType: 'enum', enumOptions: { option: [{ name: 'A', description: '' }] } },
					{ name: 'o', description: '', dataType: 'object', nestedFields: { field: [{ name: 'n', description: '', dataType: 'string' }] } },
				],
			}),
		).toEqual([
			{ name: 'c', description: 'd', data_type: 'enum', enum_options: [{ name: 'A', description: '' }] },
			{ name: 'o', description: '', data_type: 'object', enum_options: [], nested_fields: [{ name: 'n', description: '', data_type: 'string', enum_options: [] }] },
		]);
	});

	it('reads an empty or missing collection as no fields', () => {
		expect(fieldsFromBuilder({})).toEqual([]);
		expect(fieldsFromBuilder(undefined)).toEqual([]);
	});
});

describe('parseFieldsJson', () => {
	it('accepts an array, a workflow definition with "fields", or an already parsed value', () => {
		expect(parseFieldsJson('[{"name":"a"}]')).toEqual({ ok: true, entries: [{ name: 'a' }] });
		expect(parseFieldsJson('{"name":"wf","fields":[{"name":"a"}]}')).toEqual({ ok: true, entries: [{ name: 'a' }] });
		expect(parseFieldsJson([{ name: 'a' }])).toEqual({ ok: true, entries: [{ name: 'a' }] });
	});

	it('says where the JSON breaks', () => {
		expect(parseFieldsJson('[\n  {"name": "a",}\n]')).toMatchObject({ ok: false, problem: 'is not valid JSON: unexpected "}" at line 2, column 16' });
		expect(parseFieldsJson('[{"name": "a"')).toMatchObject({ ok: false, problem: 'is not valid JSON: it ends too early (a bracket, brace or quote is not closed)' });
		expect(parseFieldsJson("[{'name': 'a'}]")).toMatchObject({ ok: false, problem: 'is not valid JSON: unexpected "\'" at line 1, column 3' });
	});

	it('refuses empty text and values that are not a list of fields', () => {
		expect(parseFieldsJson('  ')).toMatchObject({ ok: false, problem: 'is empty' });
		expect(parseFieldsJson('{"name": "a"}')).toMatchObject({ ok: false, problem: 'is not an array of fields' });
	});
});

describe('jsonSyntaxErrorOffset', () => {
	it('finds nothing wrong in valid JSON', () => {
		for (const text of ['[]', ' {"a": [1, -2.5e3, true, false, null, {"b": "\\u00e9\\n"}]} ', '"x"', '0']) {
			expect(jsonSyntaxErrorOffset(text)).toBeUndefined();
		}
	});

	it('points at the first character that cannot follow', () => {
		expect(jsonSyntaxErrorOffset('[1 2]')).toBe(3);
		expect(jsonSyntaxErrorOffset('{"a" 1}')).toBe(5);
		expect(jsonSyntaxErrorOffset('["a\\x"]')).toBe(3);
		expect(jsonSyntaxErrorOffset('["a\nb"]')).toBe(3);
		expect(jsonSyntaxErrorOffset('[01]')).toBe(2);
		expect(jsonSyntaxErrorOffset('[1] x')).toBe(4);
		expect(jsonSyntaxErrorOffset('[1,')).toBe(3);
	});

	it('does not overflow the stack on absurd nesting', () => {
		expect(jsonSyntaxErrorOffset('['.repeat(100_000))).toBeLessThanOrEqual(100_000);
		expect(describeJsonError('[1]')).toBeUndefined();
	});
});

describe('suggestFieldName', () => {
	it.each([
		['Total Amount', 'total_amount'],
		['Total Amount (EUR)', 'total_amount_eur'],
		['invoiceNumber', 'invoice_number'],
		['  --- ', ''],
	])('%s → %s', (name, suggestion) => {
		expect(suggestFieldName(name)).toBe(suggestion);
	});
});
