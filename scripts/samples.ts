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

/** An enum field shared by the sample workflows. */
const CURRENCY_FIELD = {
	name: 'currency',
	description: 'Currency of the amounts',
	data_type: 'enum',
	enum_options: [
		{ name: 'EUR', description: 'Euro' },
		{ name: 'USD', description: 'US dollar' },
		{ name: 'GBP', description: 'Pound sterling' },
	],
};

/** Line-item columns shared by the sample workflows. */
const ROW_FIELDS = {
	quantity: { name: 'quantity', description: 'How many', data_type: 'integer' },
	unitPrice: { name: 'unit_price', description: 'Price per unit', data_type: 'float' },
};

/** anyformat workflow fields matching the sample invoice (used by the demo and the e2e suites). */
export const SAMPLE_INVOICE_FIELDS = [
	{ name: 'invoice_number', description: 'The invoice number', data_type: 'string' },
	{ name: 'invoice_date', description: 'Date the invoice was issued', data_type: 'date' },
	{ name: 'due_date', description: 'Payment due date', data_type: 'date' },
	{ name: 'vendor_name', description: 'Company that issued the invoice', data_type: 'string' },
	{ name: 'customer_name', description: 'Company the invoice is addressed to', data_type: 'string' },
	CURRENCY_FIELD,
	{ name: 'subtotal', description: 'Total before tax', data_type: 'float' },
	{ name: 'tax_amount', description: 'Tax (VAT)', data_type: 'float' },
	{ name: 'total_amount', description: 'Total including tax', data_type: 'float' },
	{
		name: 'line_items',
		description: 'Invoice lines',
		data_type: 'object',
		nested_fields: [
			{ name: 'description', description: 'What was sold', data_type: 'string' },
			ROW_FIELDS.quantity,
			ROW_FIELDS.unitPrice,
			{ name: 'amount', description: 'Line total', data_type: 'float' },
		],
	},
];

// ---------------------------------------------------------------------------------------------------------
// Purchase-order email (examples/samples/purchase-order.txt): a plain-text document for anyformat. Some values
// are written the way people write them ("Buyer:", "15 December 2024", "EUR 2,111.40"), so the sandbox gives
// them lower confidences and the review-routing demo has something to flag.
export const SAMPLE_PURCHASE_ORDER_TEXT = [
	'From: Maria Jensen <purchasing@northwind-traders.example>',
	'To: orders@acme-office.example',
	'Date: Mon, 18 Nov 2024 09:12:44 +0100',
	'Subject: Purchase order PO-7731 - office furniture',
	'',
	'Hello ACME team,',
	'',
	'please find our purchase order below.',
	'',
	'PO # PO-7731',
	'Order Date: 2024-11-18',
	'Buyer: Northwind Traders Ltd',
	'Supplier: ACME Office Supplies GmbH',
	'Requested delivery: 15 December 2024',
	'Currency: EUR',
	'',
	'Items:',
	'| description | quantity | unit_price |',
	'| --- | --- | --- |',
	'| Ergonomic office chair | 6 | 249.00 |',
	'| Whiteboard 180x90 | 2 | 189.00 |',
	'| Desk lamp, LED | 6 | 39.90 |',
	'',
	'Order total: EUR 2,111.40',
	'',
	'Please confirm the delivery date by reply.',
	'',
	'Kind regards,',
	'Maria Jensen',
	'Purchasing, Northwind Traders Ltd',
	'',
].join('\n');

/** anyformat workflow fields for the purchase-order email (review-routing demo). */
export const SAMPLE_PURCHASE_ORDER_FIELDS = [
	{ name: 'po_number', description: 'The purchase order number', data_type: 'string' },
	{ name: 'order_date', description: 'Date the order was placed', data_type: 'date' },
	{ name: 'buyer_company', description: 'Buyer company placing the order', data_type: 'string' },
	{ name: 'supplier_name', description: 'Supplier receiving the order', data_type: 'string' },
	{ name: 'requested_delivery_date', description: 'Requested delivery date', data_type: 'date' },
	CURRENCY_FIELD,
	{ name: 'order_total', description: 'Total value of the order', data_type: 'float' },
	{
		name: 'line_items',
		description: 'Ordered articles',
		data_type: 'object',
		nested_fields: [
			{ name: 'description', description: 'Article ordered', data_type: 'string' },
			ROW_FIELDS.quantity,
			ROW_FIELDS.unitPrice,
		],
	},
];

// ---------------------------------------------------------------------------------------------------------
// Café receipt (examples/samples/receipt.png, rendered from these lines by make-samples): an image for Anesya.
// The sandbox cannot read pixels; it gets this text through `sidecarText`, keyed by the PNG's sha256.
export const SAMPLE_RECEIPT_HEADER = ['BLUE BEAN COFFEE', 'Rue de la Paix 21, 75002 Paris'];

export const SAMPLE_RECEIPT_FIELDS_TEXT = [
	'Receipt Number: R-20241122-0042',
	'Date: 2024-11-22',
	'Merchant Name: Blue Bean Coffee',
	'Currency: EUR',
];

export const SAMPLE_RECEIPT_ITEMS = [
	{ description: 'Cappuccino', quantity: 2, unit_price: '4.20', amount: '8.40' },
	{ description: 'Croissant', quantity: 1, unit_price: '2.10', amount: '2.10' },
	{ description: 'Orange juice', quantity: 1, unit_price: '3.90', amount: '3.90' },
];

export const SAMPLE_RECEIPT_TOTALS_TEXT = ['VAT (10% incl.): 1.31', 'Total: 14.40', 'Payment Method: Card'];

/** What the receipt says, as an OCR engine would read it (the sandbox's text for receipt.png). */
export const SAMPLE_RECEIPT_TEXT = [
	...SAMPLE_RECEIPT_HEADER,
	'',
	...SAMPLE_RECEIPT_FIELDS_TEXT,
	'',
	'Items',
	'| description | quantity | unit_price | amount |',
	'| --- | --- | --- | --- |',
	...SAMPLE_RECEIPT_ITEMS.map((i) => `| ${i.description} | ${i.quantity} | ${i.unit_price} | ${i.amount} |`),
	'',
	...SAMPLE_RECEIPT_TOTALS_TEXT,
	'Thank you for your visit!',
].join('\n');

/** The Anesya extraction schema (JSON Schema) for the receipt. */
export const SAMPLE_RECEIPT_SCHEMA = {
	type: 'object',
	properties: {
		merchant_name: { type: 'string', description: 'Name of the shop or restaurant' },
		receipt_number: { type: 'string', description: 'Receipt number' },
		date: { type: 'string', format: 'date', description: 'Date of purchase' },
		currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'], description: 'Currency' },
		total: { type: 'number', description: 'Total paid, tax included' },
		payment_method: { type: 'string', enum: ['Card', 'Cash', 'Other'], description: 'How the receipt was paid' },
		items: {
			type: 'array',
			description: 'Articles bought',
			items: {
				type: 'object',
				properties: {
					description: { type: 'string', description: 'Article' },
					quantity: { type: 'integer', description: 'How many' },
					unit_price: { type: 'number', description: 'Price per unit' },
					amount: { type: 'number', description: 'Line total' },
				},
			},
		},
	},
};
