import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runDocumentBatch } from '../../../../shared/batch';
import type { InputFile } from '../../../../shared/binary';
import { batchOptionsProperty, inputBinaryFieldProperty, lostAnswersOption, readLostAnswers } from '../../../../shared/descriptions';
import { ApiRequestError } from '../../../../shared/errors';
import type { Landed } from '../../../../shared/ledger';
import { prepareAnesyaDocument } from '../../../helpers/documentInput';
import { metadataProperty, pageRangeProperties, readMetadata, readPageRange, type MetadataEntries } from '../../../helpers/documentOptions';
import { documentsSince, uploadV0Document } from '../../../transport';

const properties: INodeProperties[] = [
	inputBinaryFieldProperty('The name of the input binary field holding the document (PDF, PNG or JPEG, up to 20 MB)'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice-2024-03.pdf',
				description: "The name to store the document under. Default: the input file's name.",
			},
			metadataProperty('Key-value pairs stored with the document (e.g. a customer or order ID); Get Many can search by them'),
			...pageRangeProperties('keep'),
		],
	},
	{ ...batchOptionsProperty, options: [lostAnswersOption] },
];

export const description = updateDisplayOptions({ show: { resource: ['document'], operation: ['upload'] } }, properties);

/** Uploads on the wire at once; they share the submission rate limit, which the request layer paces. */
const UPLOADS_IN_FLIGHT = 4;

interface UploadOptions {
	fileName?: string;
	metadata?: MetadataEntries;
	pdfPageStart?: unknown;
	pdfPageEnd?: unknown;
}

interface PreparedUpload {
	file: InputFile;
	storedName: string;
	metadata?: IDataObject;
	range: { start?: number; end?: number };
}

async function prepareUpload(ctx: IExecuteFunctions, itemIndex: number): Promise<PreparedUpload> {
	const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	const options = ctx.getNodeParameter('options', itemIndex, {}) as UploadOptions;
	const metadata = readMetadata(ctx, itemIndex, options.metadata);
	const range = readPageRange(ctx, itemIndex, options);
	const { file } = await prepareAnesyaDocument(ctx, itemIndex, field, 'Input Binary Field');
	const storedName = options.fileName?.trim() || file.fileName;
	// Trimming applies to PDFs only ("Optional first PDF page to keep").
	return { file, storedName, metadata, range: file.fileName.toLowerCase().endsWith('.pdf') ? range : {} };
}

/**
 * Stores each item's file as an Anesya document (no credits). An upload whose answer got lost is
 * looked for by its file name among the documents stored since: sent again when none arrived; a
 * stored one with that name may be it (or another client's file of the same name), so Lost Answers
 * decides — named on the item, or the item fails naming it.
 */
export async function executeBatch(this: IExecuteFunctions, itemCount: number, stopOnError: boolean) {
	const lostAnswers = readLostAnswers(this);
	return await runDocumentBatch<PreparedUpload, never, never, IDataObject>(this, {
		itemCount,
		maxInFlight: UPLOADS_IN_FLIGHT,
		stopOnError,
		prepare: async (itemIndex) => await prepareUpload(this, itemIndex),
		process: async ({ file, storedName, metadata, range }, itemIndex, { ledger, signal }) => {
			const send = async () =>
				await uploadV0Document(
					this,
					{ file: await file.load(), fileName: storedName !== file.fileName ? storedName : undefined, metadata, pageStart: range.start, pageEnd: range.end },
					{ itemIndex, signal, repeatable: false },
				);
			const outcome = await ledger.submit({
				route: {
					send,
					findLanded: async (since): Promise<Landed<IDataObject>> => {
						const stored = await documentsSince(this, storedName, since, signal);
						return stored.length ? { kind: 'candidates', receipts: stored } : { kind: 'absent' };
					},
				},
				lostAnswers,
				idsOf: (document) => [document.id as string],
				describeAmbiguous: (error, landed) =>
					new ApiRequestError(this.getNode(), {
						message: landed.length ? `${error.message}. Anesya may have stored "${storedName}" anyway, as document ${landed.join(' or ')}` : error.message,
						description: landed.length
							? `It was not sent again. Check it with Document → Get (document ${landed[0]}); if it is not this file, run this item again.`
							: (error.description ?? undefined),
						status: error.status,
						networkCode: error.networkCode,
						ambiguous: true,
						itemIndex,
					}),
				signal,
			});
			const possibleDuplicateOf = outcome.possibleDuplicates.map((document) => document.id as string);
			return possibleDuplicateOf.length ? { ...outcome.receipt, _meta: { possibleDuplicate: true, possibleDuplicateOf } } : outcome.receipt;
		},
	});
}
