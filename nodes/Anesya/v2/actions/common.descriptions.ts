import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputBinaryFieldProperty } from '../../../shared/descriptions';
import { anesyaResultOptionsProperty, readUuid } from '../../actions/common.descriptions';
import type { V0InputKind } from '../helpers/inputs';

const UUID_EXAMPLE = 'e.g. 300f339f-da71-4f9f-80f6-c25a63baae75';

/** An ID parameter of one v0 resource, and how to read it checked. */
function idParameter(name: string, displayName: string, description: string, fix: string) {
	const property: INodeProperties = { displayName, name, type: 'string', default: '', required: true, placeholder: UUID_EXAMPLE, description };
	const read = (ctx: IExecuteFunctions, itemIndex: number) => readUuid(ctx, itemIndex, name, displayName, fix);
	return { property, read };
}

export const documentId = idParameter(
	'documentId',
	'Document ID',
	'A document stored in Anesya: the "id" output by Document → Upload or Get Many',
	'Map the "id" output by Document → Upload, or paste the document ID (a UUID) from the Anesya dashboard.',
);

export const parsingId = idParameter(
	'parsingId',
	'Parsing ID',
	'A parsing: "_meta.parsingId" output by Parsing → Create (or "id" when not waiting for completion)',
	'Map the "_meta.parsingId" output by Parsing → Create, or paste the parsing ID (a UUID).',
);

export const extractId = idParameter(
	'extractId',
	'Extract ID',
	'An extract: "_meta.extractId" output by Extract → Create (or "id" when not waiting for completion)',
	'Map the "_meta.extractId" output by Extract → Create, or paste the extract ID (a UUID).',
);

/** v0 has no schema endpoint, so the schema is an ID copied from the dashboard. */
export const schemaIdProperty: INodeProperties = {
	displayName: 'Schema ID',
	name: 'schemaId',
	type: 'string',
	default: '',
	required: true,
	placeholder: UUID_EXAMPLE,
	description: 'The extraction schema: which fields to extract',
	hint: 'Schemas are created in the Anesya dashboard; copy the schema ID from there. The v0 API offers no way to list them.',
};

export function readSchemaId(ctx: IExecuteFunctions, itemIndex: number): string {
	return readUuid(ctx, itemIndex, 'schemaId', 'Schema ID', 'Copy the schema ID (a UUID) from the Anesya dashboard, where schemas are created.');
}

const INPUTS: Record<V0InputKind, { name: string; description: string }> = {
	binary: { name: 'Binary File', description: 'A file from an earlier node (PDF, PNG or JPEG, up to 20 MB), stored in Anesya as a document first' },
	documentId: { name: 'Document ID', description: 'A document stored with Document → Upload' },
	parsingId: { name: 'Parsing ID', description: 'A finished parsing, reused without parsing the document again' },
	url: { name: 'URL', description: 'A public or pre-signed link to the document' },
	urlList: { name: 'URL List', description: 'Several links in one item: one parsing and one output item per link' },
};

/** The Input choice of a create operation and the parameter of each input it offers. */
export function inputProperties(kinds: V0InputKind[]): INodeProperties[] {
	const shownFor = (kind: V0InputKind) => ({ show: { input: [kind] } });
	const byKind: Record<V0InputKind, INodeProperties> = {
		binary: { ...inputBinaryFieldProperty('The name of the input binary field holding the document (PDF, PNG or JPEG, up to 20 MB)'), displayOptions: shownFor('binary') },
		documentId: { ...documentId.property, displayOptions: shownFor('documentId') },
		parsingId: { ...parsingId.property, displayOptions: shownFor('parsingId') },
		url: {
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://example.com/invoice.pdf',
			description: 'A public or pre-signed link Anesya can download the document from',
			displayOptions: shownFor('url'),
		},
		urlList: {
			displayName: 'URLs',
			name: 'urls',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'https://example.com/a.pdf\nhttps://example.com/b.pdf',
			description: 'Public or pre-signed links, one per line (or an array from an expression). Anesya creates one parsing per link.',
			displayOptions: shownFor('urlList'),
		},
	};
	return [
		{
			displayName: 'Input',
			name: 'input',
			type: 'options',
			options: kinds.map((kind) => ({ name: INPUTS[kind].name, value: kind, description: INPUTS[kind].description })),
			default: 'binary',
			description: 'Where the document comes from',
		},
		...kinds.map((kind) => byKind[kind]),
	];
}

/** Simplified / Raw for a parsing (it has no fields, so Detailed would say nothing more). */
export const parsingOutputProperty: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{ name: 'Raw', value: 'raw', description: 'The parsing as Anesya returns it' },
		{ name: 'Simplified', value: 'simplified', description: "The markdown, each page's text and status, and which pages failed" },
	],
	default: 'simplified',
	description: 'How to shape each parsing',
};

/** Result Options of a v0 extract: no confidences, and the text comes from its parsing. */
export const v0ResultOptionsProperty: INodeProperties = {
	...anesyaResultOptionsProperty,
	options: (anesyaResultOptionsProperty.options ?? []).map((option) =>
		option.name === 'includeText'
			? {
					...option,
					description:
						'Whether to add the markdown of the parsing the extract read as "_text". A v0 extract carries no text itself, so this reads its parsing: one more request per document.',
				}
			: option,
	),
};
