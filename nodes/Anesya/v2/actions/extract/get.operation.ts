import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { outputProperty, readShapeOptions } from '../../../../shared/descriptions';
import { fetchV0, parsingTextOf } from '../../helpers/checker';
import { phaseOf, shapeV0Extract } from '../../helpers/results';
import { extractId, v0ResultOptionsProperty } from '../common.descriptions';

const properties: INodeProperties[] = [extractId.property, outputProperty, v0ResultOptionsProperty];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['get'] } }, properties);

/** One extract as it is now; one still running has its status in "_meta" and no fields. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = extractId.read(this, itemIndex);
	const shape = readShapeOptions(this, itemIndex);
	const extract = await fetchV0(this, 'extract', id, { itemIndex });
	const text = shape.includeText && phaseOf(extract) === 'succeeded' ? await parsingTextOf(this, extract, { itemIndex }) : undefined;
	return shapeV0Extract(extract, shape, text);
}
