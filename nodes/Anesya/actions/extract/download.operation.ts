import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryOutputItem, fileNameFromContentDisposition } from '../../../shared/binary';
import { outputBinaryFieldProperty, readOutputBinaryField, readWaitOptions, waitForCompletionProperties } from '../../../shared/descriptions';
import { invalidInput } from '../../../shared/errors';
import { pollUntil, PollTimeoutError, type PollState } from '../../../shared/poll';
import type { ApiResponse } from '../../../shared/request';
import { extractPath } from '../../helpers/checker';
import { anesyaRequest } from '../../transport';
import { extractIdOf, extractIdProperty } from '../common.descriptions';

type DownloadFormat = 'csv' | 'images' | 'json';

const FILES: Record<DownloadFormat, { extension: string; mimeType: string }> = {
	csv: { extension: 'csv', mimeType: 'text/csv' },
	images: { extension: 'zip', mimeType: 'application/zip' },
	json: { extension: 'json', mimeType: 'application/json' },
};

const properties: INodeProperties[] = [
	extractIdProperty,
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'CSV', value: 'csv', description: 'The extracted data as a table' },
			{ name: 'Images (ZIP)', value: 'images', description: 'The images found in the document, in a ZIP file' },
			{ name: 'JSON', value: 'json', description: 'The extracted data as a JSON file' },
		],
		default: 'csv',
		description: 'What to download. CSV and JSON hold data only when the extract used a schema.',
	},
	outputBinaryFieldProperty,
	...waitForCompletionProperties.map((property) =>
		property.name === 'timeout'
			? { ...property, default: 300, description: 'How long to wait for the extract to finish before failing with its ID' }
			: {
					...property,
					displayName: 'Wait Until Ready',
					description:
						'Whether to wait while Anesya is still processing the extract. Off: output "ready: false" at once for an extract that is not finished.',
				},
	),
];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['download'] } }, properties);

/** 202 = "accepted but not ready"; a JSON Extract that is not finished says the same. */
function isNotReady(response: ApiResponse<Buffer>, format: DownloadFormat): boolean {
	if (response.statusCode === 202) return true;
	if (format === 'json' || !/^application\/json/i.test(response.headers['content-type'] ?? '')) return false;
	const status = ((): unknown => {
		try {
			return (JSON.parse(response.body.toString('utf8')) as { status?: unknown }).status;
		} catch {
			return undefined;
		}
	})();
	return status === 'CREATED' || status === 'IN_PROGRESS';
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const extractId = extractIdOf(this, itemIndex);
	const format = this.getNodeParameter('format', itemIndex, 'csv') as DownloadFormat;
	if (!FILES[format]) {
		throw invalidInput(this.getNode(), itemIndex, 'Format', `"${String(format)}" is not a download format`, 'Choose CSV, Images (ZIP) or JSON.');
	}
	const field = readOutputBinaryField(this, itemIndex);
	// "Wait Until Ready" is the shared Wait for Completion parameter under a name that fits a download.
	const { wait, timeoutMs } = readWaitOptions(this, itemIndex);
	const signal = this.getExecutionCancelSignal?.();

	const check = async (): Promise<PollState<ApiResponse<Buffer>>> => {
		const response = await anesyaRequest<Buffer>(this, {
			method: 'GET',
			path: extractPath(extractId),
			qs: { download: format },
			responseType: 'binary',
			itemIndex,
			signal,
		});
		return isNotReady(response, format) ? { done: false } : { done: true, value: response };
	};

	let response: ApiResponse<Buffer> | undefined;
	if (wait) {
		const polled = await pollUntil(check, { timeoutMs, signal, checkFirst: true }).then(
			(value) => ({ value }),
			(error: unknown) => ({ error }),
		);
		if ('error' in polled) {
			if (!(polled.error instanceof PollTimeoutError)) throw polled.error;
			throw new NodeOperationError(this.getNode(), `Extract ${extractId} is still processing after ${Math.round(timeoutMs / 1000)} s, so there is nothing to download yet`, {
				itemIndex,
				description: 'Raise "Timeout (Seconds)", or run Download again later.',
			});
		}
		response = polled.value;
	} else {
		const state = await check();
		if (!state.done) {
			return {
				json: {
					ready: false,
					extractId,
					format,
					message: `Anesya has not finished extract ${extractId} yet, so there is nothing to download. Run Download again later, or turn on Wait Until Ready.`,
				},
			};
		}
		response = state.value;
	}

	const { extension, mimeType } = FILES[format];
	if (response.body.length === 0) {
		throw new NodeOperationError(this.getNode(), `Anesya returned an empty ${format.toUpperCase()} file for extract ${extractId}`, {
			itemIndex,
			description:
				'Anesya exports data only for extracts made with a schema. Use an extract made with Extract With Schema (or a workflow that has a schema), or download Images instead.',
		});
	}
	return await binaryOutputItem(this, {
		field,
		content: response.body,
		fileName: fileNameFromContentDisposition(response.headers['content-disposition']) ?? `anesya-extract-${extractId}.${extension}`,
		mimeType,
		json: { ready: true, extractId, format },
	});
}
