import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { outputProperty, readShapeOptions } from '../../../shared/descriptions';
import { fetchExtract } from '../../helpers/checker';
import { shapeExtract } from '../../helpers/results';
import { anesyaResultOptionsProperty, extractIdOf, extractIdProperty } from '../common.descriptions';

const properties: INodeProperties[] = [extractIdProperty, outputProperty, anesyaResultOptionsProperty];

export const description = updateDisplayOptions({ show: { resource: ['extract'], operation: ['get'] } }, properties);

/** One extract as it is now; one still processing comes out with its status in "_meta" and no fields. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const extractId = extractIdOf(this, itemIndex);
	const shape = readShapeOptions(this, itemIndex);
	const extract = await fetchExtract(this, extractId, { itemIndex });
	return shapeExtract(extract, shape);
}
