import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';

describe('Anyformat → Workflow → Create', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	const create = (extra: Record<string, unknown>) => ({ resource: 'workflow', operation: 'create', name: 'Invoices', ...extra });

	it('creates a workflow from the field builder, with choices and line items', async () => {
		const { items, error } = await env.run(
			create({
				name: ' Invoice Processing ',
				workflowDescription: 'Extract data from invoice documents',
				fields: {
					field: [
						{ name: 'invoice_number', description: 'The unique invoice identifier', dataType: 'string' },
						{
							name: 'currency',
							description: 'Currency of the invoice',
							dataType: 'enum',
							enumOptions: { option: [{ name: 'USD', description: 'US Dollar' }, { name: 'EUR', description: '' }] },
						},
						{
							name: 'line_items',
							description: 'Invoice lines',
							dataType: 'object',
							nestedFields: {
								field: [
									{ name: 'amount', description: 'Line amount', dataType: 'float' },
									{ name: 'tax', description: 'Tax class', dataType: 'multi_select', enumOptions: { option: [{ name: 'reduced' }, { name: 'standard' }] } },
								],
							},
						},
						// Options left over from an earlier data type are not sent.
						{ name: 'paid', description: '', dataType: 'boolean', enumOptions: { option: [{ name: 'stale' }] } },
					],
				},
			}),
		);
		expect(error).toBeUndefined();
		const expectedFields = [
			{ name: 'invoice_number', description: 'The unique invoice identifier', data_type: 'string' },
			{ name: 'currency', description: 'Currency of the invoice', data_type: 'enum', enum_options: [{ name: 'USD', description: 'US Dollar' }, { name: 'EUR' }] },
			{
				name: 'line_items',
				description: 'Invoice lines',
				data_type: 'object',
				nested_fields: [
					{ name: 'amount', description: 'Line amount', data_type: 'float' },
					{ name: 'tax', description: 'Tax class', data_type: 'multi_select', enum_options: [{ name: 'reduced' }, { name: 'standard' }] },
				],
			},
			{ name: 'paid', description: '', data_type: 'boolean' },
		];
		const stored = env.fake.anyformat.workflows;
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ name: 'Invoice Processing', description: 'Extract data from invoice documents', fields: expectedFields });
		expect(items[0].json).toMatchObject({ id: stored[0].id, name: 'Invoice Processing', fields: expectedFields });
		expect(env.fake.log.map((e) => [e.route, e.status])).toEqual([['POST /v2/workflows/', 201]]);
	});

	it('creates a workflow from pasted JSON, including objects inside objects', async () => {
		const fieldsJson = JSON.stringify({
			fields: [
				{ name: 'vendor', description: 'Seller', type: 'string' },
				{ name: 'status', description: 'Payment state', data_type: 'enum', enum_options: ['open', 'paid'] },
				{
					name: 'shipments',
					description: 'Shipments',
					data_type: 'object',
					nested_fields: [{ name: 'address', description: 'Where to', data_type: 'object', nested_fields: [{ name: 'city', description: 'City', data_type: 'string' }] }],
				},
			],
		});
		const { items, error } = await env.run(create({ defineFields: 'json', fieldsJson }));
		expect(error).toBeUndefined();
		expect(env.fake.anyformat.workflows[0].fields).toEqual([
			{ name: 'vendor', description: 'Seller', data_type: 'string' },
			{ name: 'status', description: 'Payment state', data_type: 'enum', enum_options: [{ name: 'open' }, { name: 'paid' }] },
			{
				name: 'shipments',
				description: 'Shipments',
				data_type: 'object',
				nested_fields: [{ name: 'address', description: 'Where to', data_type: 'object', nested_fields: [{ name: 'city', description: 'City', data_type: 'string' }] }],
			},
		]);
		expect(items[0].json.description).toBeNull();
	});

	it.each([
		['an empty name', { name: '={{ $json.title }}' }, 'Name: is empty [item 0]'],
		['no fields', { fields: {} }, 'Fields to Extract: no fields are defined [item 0]'],
		[
			'a name with spaces',
			{ fields: { field: [{ name: 'Total Amount', description: '', dataType: 'float' }] } },
			'Fields to Extract: field 1 ("Total Amount"): the name may only contain letters, digits and underscores [item 0]',
		],
		[
			'a choice field without options',
			{ fields: { field: [{ name: 'a', dataType: 'string' }, { name: 'currency', dataType: 'enum' }] } },
			'Fields to Extract: field 2 ("currency") is a choice field without options [item 0]',
		],
		[
			'an object without nested fields',
			{ fields: { field: [{ name: 'line_items', dataType: 'object' }] } },
			'Fields to Extract: field 1 ("line_items") is an object field without nested fields [item 0]',
		],
		[
			'broken JSON',
			{ defineFields: 'json', fieldsJson: '[\n  {"name": "a", "data_type": "string"},\n]' },
			'Fields (JSON): is not valid JSON: unexpected "]" at line 3, column 1 [item 0]',
		],
		[
			'an unknown data type in JSON',
			{ defineFields: 'json', fieldsJson: '[{"name": "total", "data_type": "money"}]' },
			'Fields (JSON): [0] ("total"): data type "money" is not known [item 0]',
		],
	])('refuses %s before calling the API', async (_case, extra, message) => {
		const { error } = await env.run(create(extra), { items: [{ json: { title: '' } }] });
		expect(error?.message).toBe(message);
		expect(env.fake.log).toHaveLength(0);
	});

	it('suggests the snake_case name', async () => {
		const { error } = await env.run(create({ fields: { field: [{ name: 'Total Amount', dataType: 'float' }] } }));
		expect(error?.description).toBe('anyformat uses field names as keys in the results; write it in snake_case, e.g. "total_amount".');
	});
});
