import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalidInput } from '../../../shared/errors';
import { anyformatBody } from '../../transport';
import { ANYFORMAT_EVENTS, eventsProperty } from '../common.descriptions';

const EVENTS: readonly string[] = ANYFORMAT_EVENTS;

const properties: INodeProperties[] = [
	{
		displayName:
			'anyformat shows the signing secret ("secret", starting with whsec_) only once, in the output of this operation. Store it now; to get a new one, delete the webhook and create it again.',
		name: 'secretNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/webhooks/anyformat',
		description: 'Where anyformat sends the events: a public HTTPS URL (anyformat rejects HTTP)',
	},
	eventsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const url = String(this.getNodeParameter('url', itemIndex, '') ?? '').trim();
	const fixUrl = 'Enter the full public HTTPS address that should receive the events, e.g. https://example.com/webhooks/anyformat.';
	if (!url) throw invalidInput(this.getNode(), itemIndex, 'URL', 'is empty', fixUrl);
	const parsed = URL.canParse(url) ? new URL(url) : undefined;
	if (!parsed || !['https:', 'http:'].includes(parsed.protocol)) {
		throw invalidInput(this.getNode(), itemIndex, 'URL', `"${url}" is not a web address`, fixUrl);
	}
	if (parsed.protocol !== 'https:') {
		throw invalidInput(this.getNode(), itemIndex, 'URL', `"${url}" is not HTTPS; anyformat refuses HTTP webhook URLs`, fixUrl);
	}
	const events = this.getNodeParameter('events', itemIndex, []) as unknown;
	const list = Array.isArray(events) ? events.map(String) : [];
	const unknown = list.filter((event) => !EVENTS.includes(event));
	if (list.length === 0 || unknown.length > 0) {
		throw invalidInput(
			this.getNode(),
			itemIndex,
			'Events',
			list.length === 0 ? 'none is selected' : `${unknown.map((e) => `"${e}"`).join(', ')} is not an anyformat event`,
			`Select at least one of: ${EVENTS.join(', ')}.`,
		);
	}
	// Not repeated after a failure that may have landed: that would leave two subscriptions.
	return await anyformatBody(this, { method: 'POST', path: '/v2/webhooks/', body: { url, events: [...new Set(list)] }, itemIndex });
}
