import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalidInput } from '../../../shared/errors';
import { fieldsFromBuilder, normaliseWorkflowFields, parseFieldsJson } from '../../helpers/workflowFields';
import { anyformatBody } from '../../transport';

const dataTypeOptions: INodePropertyOptions[] = [
	{ name: 'Date', value: 'date', description: 'A calendar date, returned as YYYY-MM-DD (date)' },
	{ name: 'Date & Time', value: 'datetime', description: 'A date with a time, returned as ISO 8601 (datetime)' },
	{ name: 'Decimal Number', value: 'float', description: 'A number with decimals, such as an amount (float)' },
	{ name: 'Integer', value: 'integer', description: 'A whole number, such as a quantity (integer)' },
	{ name: 'List', value: 'list', description: 'Several text values, such as all email addresses (list)' },
	{ name: 'Multi-Select', value: 'multi_select', description: 'Any of the options you list (multi_select)' },
	{ name: 'Object (Line Items)', value: 'object', description: 'Repeating rows with their own fields, such as invoice line items (object)' },
	{ name: 'Select', value: 'enum', description: 'One of the options you list (enum)' },
	{ name: 'Text', value: 'string', description: 'Any text, such as an invoice number (string)' },
	{ name: 'Yes/No', value: 'boolean', description: 'True or false (boolean)' },
];

const enumOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'enumOptions',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { dataType: ['enum', 'multi_select'] } },
	description: 'The values the field may take',
	options: [
		{
			displayName: 'Option',
			name: 'option',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. EUR' },
				{
					displayName: 'Description',
					name: 'description',
					type: 'string',
					default: '',
					placeholder: 'e.g. Euro',
					description: 'Helps the model tell the options apart',
				},
			],
		},
	],
};

/** Name, description, data type and options: what every field has, nested or not. */
function fieldProperties(dataTypes: INodePropertyOptions[]): INodeProperties[] {
	return [
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			placeholder: 'e.g. invoice_number',
			description: 'Key of the field in the results: letters, digits and underscores (snake_case)',
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			default: '',
			placeholder: 'e.g. The unique invoice identifier',
			description: 'What to extract, in plain words; the model reads it',
		},
		{ displayName: 'Data Type', name: 'dataType', type: 'options', options: dataTypes, default: 'string' },
		enumOptionsProperty,
	];
}

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Invoice Processing',
		description: 'Name of the new workflow',
	},
	{
		displayName: 'Description',
		name: 'workflowDescription',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Extract data from invoice documents',
		description: 'What the workflow is for (optional)',
	},
	{
		displayName: 'Define Fields',
		name: 'defineFields',
		type: 'options',
		options: [
			{ name: 'Using Fields Below', value: 'builder', description: 'Add the fields one by one' },
			{ name: 'Using JSON', value: 'json', description: 'Paste the "fields" array of the anyformat API' },
		],
		default: 'builder',
	},
	{
		displayName: 'Fields to Extract',
		name: 'fields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { defineFields: ['builder'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					...fieldProperties(dataTypeOptions),
					{
						displayName: 'Nested Fields',
						name: 'nestedFields',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true, sortable: true },
						placeholder: 'Add Nested Field',
						default: {},
						displayOptions: { show: { dataType: ['object'] } },
						description: 'The fields of each row, such as description and amount of a line item',
						options: [
							{
								displayName: 'Nested Field',
								name: 'field',
								// One level here; objects inside objects can be defined using JSON.
								values: fieldProperties(dataTypeOptions.filter((option) => option.value !== 'object')),
							},
						],
					},
				],
			},
		],
	},
	{
		displayName: 'Fields (JSON)',
		name: 'fieldsJson',
		type: 'json',
		default:
			'[\n  { "name": "invoice_number", "description": "The unique invoice identifier", "data_type": "string" },\n  { "name": "total_amount", "description": "Total amount including tax", "data_type": "float" }\n]',
		displayOptions: { show: { defineFields: ['json'] } },
		description:
			'The fields as anyformat takes them: name, description, data_type, enum_options for enum and multi_select, nested_fields for object (may be nested further)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const name = String(this.getNodeParameter('name', itemIndex, '') ?? '').trim();
	if (!name) {
		throw invalidInput(this.getNode(), itemIndex, 'Name', 'is empty', 'Enter a name for the workflow, e.g. "Invoice Processing".');
	}
	const workflowDescription = String(this.getNodeParameter('workflowDescription', itemIndex, '') ?? '').trim();
	const mode = this.getNodeParameter('defineFields', itemIndex, 'builder') as string;

	let entries: unknown[];
	const parameter = mode === 'json' ? 'Fields (JSON)' : 'Fields to Extract';
	if (mode === 'json') {
		const parsed = parseFieldsJson(this.getNodeParameter('fieldsJson', itemIndex, '') as unknown);
		if (!parsed.ok) throw invalidInput(this.getNode(), itemIndex, parameter, parsed.problem, parsed.fix);
		entries = parsed.entries;
	} else {
		entries = fieldsFromBuilder(this.getNodeParameter('fields', itemIndex, {}));
	}
	const outcome = normaliseWorkflowFields(entries, mode === 'json' ? 'json' : 'builder');
	if (!outcome.ok) throw invalidInput(this.getNode(), itemIndex, parameter, outcome.problem, outcome.fix);

	return await anyformatBody(this, {
		method: 'POST',
		path: '/v2/workflows/',
		body: {
			name,
			...(workflowDescription ? { description: workflowDescription } : {}),
			fields: outcome.fields as unknown as IDataObject[],
		},
		itemIndex,
	});
}
