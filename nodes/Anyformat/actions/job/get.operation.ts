import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { outputProperty, readShapeOptions, resultOptionsProperty } from '../../../shared/descriptions';
import { ApiRequestError } from '../../../shared/errors';
import { shapeResult } from '../../../shared/items';
import { withFieldTypes, workflowFieldTypes } from '../../helpers/fieldTypes';
import { parseAnyformatResults } from '../../helpers/results';
import { anyformatBody } from '../../transport';
import { jobIdOf, jobIdProperty } from './jobId';

const properties: INodeProperties[] = [jobIdProperty, outputProperty, resultOptionsProperty];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const jobId = jobIdOf(this, itemIndex);
	const shape = readShapeOptions(this, itemIndex);
	const body = await anyformatBody(this, { method: 'GET', path: `/jobs/${jobId}/`, itemIndex });
	const id = String(body.id ?? jobId);
	const status = typeof body.status === 'string' ? body.status : 'unknown';
	if (status === 'error') {
		// Terminal: reporting "not ready" would have a workflow wait for results that never come.
		throw new ApiRequestError(this.getNode(), {
			message: `anyformat could not extract job ${id}`,
			description: 'The job ended in error. Check that the document is readable and in a supported format, then submit it again.',
			apiCode: 'EXTRACTION_FAILED',
			itemIndex,
			response: body,
		});
	}
	if (status !== 'processed') return { id, status, ready: false };
	const meta = {
		jobId: id,
		workflowId: (body.workflow_id ?? body.workflow ?? null) as string | null,
		processedAt: (body.processed_at ?? null) as string | null,
	};
	const results = parseAnyformatResults(body, meta);
	// The legacy API sends numbers as text ("10.00"): type them as the workflow declares, like the v2 results.
	const types = shape.output !== 'raw' && meta.workflowId ? await workflowFieldTypes(this, meta.workflowId, itemIndex) : undefined;
	return results.flatMap((result) => shapeResult(types ? { ...result, fields: withFieldTypes(result.fields, types) } : result, shape));
}
