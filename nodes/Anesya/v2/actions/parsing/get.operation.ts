import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OutputMode } from '../../../../shared/items';
import { fetchV0 } from '../../helpers/checker';
import { shapeParsing } from '../../helpers/results';
import { parsingId, parsingOutputProperty } from '../common.descriptions';

const properties: INodeProperties[] = [parsingId.property, parsingOutputProperty];

export const description = updateDisplayOptions({ show: { resource: ['parsing'], operation: ['get'] } }, properties);

/** One parsing as it is now: one still running has its status in "_meta" and no markdown yet. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = parsingId.read(this, itemIndex);
	const output = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
	return shapeParsing(await fetchV0(this, 'parsing', id, { itemIndex }), output);
}
