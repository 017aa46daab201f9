// Text of the sample documents (examples/samples/). The sandbox API reads these values back, so the
// demo's results are plausible and always the same.
export const SAMPLE_INVOICE_TEXT = [
	'ACME Office Supplies GmbH',
	'Hauptstrasse 12, 10115 Berlin',
	'',
	'INVOICE',
	'Invoice Number: INV-2024-0847',
	'Invoice Date: 2024-11-04',
	'Due Date: 2024-12-04',
	'Vendor Name: ACME Office Supplies GmbH',
	'Customer Name: Northwind Traders Ltd',
	'Currency: EUR',
	'',
	'Line Items:',
	'| description | quantity | unit_price | amount |',
	'| --- | --- | --- | --- |',
	'| Ergonomic office chair | 4 | 249.00 | 996.00 |',
	'| Standing desk 160x80 | 2 | 549.00 | 1098.00 |',
	'| Monitor arm, dual | 4 | 89.50 | 358.00 |',
	'| Delivery and assembly | 1 | 120.00 | 120.00 |',
	'',
	'Subtotal: 2572.00',
	'Tax Amount: 488.68',
	'Total Amount: 3060.68',
	'',
	'Payment terms: 30 days net. IBAN DE89 3704 0044 0532 0130 00',
].join('\n');

/** anyformat workflow fields matching the sample invoice (used by the demo and the e2e suites). */
export const SAMPLE_INVOICE_FIELDS = [
	{ name: 'invoice_number', description: 'The invoice number', data_type: 'string' },
	{ name: 'invoice_date', description: 'Date the invoice was issued', data_type: 'date' },
	{ name: 'due_date', description: 'Payment due date', data_type: 'date' },
	{ name: 'vendor_name', description: 'Company that issued the invoice', data_type: 'string' },
	{ name: 'customer_name', description: 'Company the invoice is addressed to', data_type: 'string' },
	{
		name: 'currency',
		description: 'Currency of the amounts',
		data_type: 'enum',
		enum_options: [
			{ name: 'EUR', description: 'Euro' },
			{ name: 'USD', description: 'US dollar' },
			{ name: 'GBP', description: 'Pound sterling' },
		],
	},
	{ name: 'subtotal', description: 'Total before tax', data_type: 'float' },
	{ name: 'tax_amount', description: 'Tax (VAT)', data_type: 'float' },
	{ name: 'total_amount', description: 'Total including tax', data_type: 'float' },
	{
		name: 'line_items',
		description: 'Invoice lines',
		data_type: 'object',
		nested_fields: [
			{ name: 'description', description: 'What was sold', data_type: 'string' },
			{ name: 'quantity', description: 'How many', data_type: 'integer' },
			{ name: 'unit_price', description: 'Price per unit', data_type: 'float' },
			{ name: 'amount', description: 'Line total', data_type: 'float' },
		],
	},
];
