import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { anesyaRequest } from '../../transport';
import { schemaIdOf, schemaLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['schema'], operation: ['get'] } }, [
	schemaLocator,
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const schemaId = schemaIdOf(this, itemIndex);
	const { body } = await anesyaRequest(this, { method: 'GET', path: `/schema/${encodeURIComponent(schemaId)}/`, itemIndex });
	return body;
}
