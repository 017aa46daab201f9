import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { outputProperty, readShapeOptions } from '../../shared/descriptions';
import { messageOf } from '../../shared/errors';
import type { ShapeOptions } from '../../shared/items';
import { timeOf, type ListedJob } from '../../shared/pollCursor';
import { MAX_DOCUMENTS_PER_POLL, POLL_FETCH_CONCURRENCY, runPoll, type FoundJob } from '../../shared/pollTrigger';
import { isObject, UUID_PATTERN } from '../../shared/values';
import { triggerParameters } from '../../shared/webhook';
import { anesyaResultOptionsProperty, schemaLocator, workflowIdFilterProperty } from '../actions/common.descriptions';
import { fetchExtract } from '../helpers/checker';
import { extractMeta, FINAL_STATUSES, shapeExtract } from '../helpers/results';
import { ANESYA_MAX_PAGE_SIZE, anesyaPage } from '../transport';
import { extractEventOptions } from './properties';

/** The events this trigger emits, named as Anesya's webhooks name them. */
const POLLED_EVENTS = ['extract.completed', 'extract.failed'] as const;
type PolledEvent = (typeof POLLED_EVENTS)[number];

/** A details download may take this long (with its retries) before the item carries `_meta.resultsError`. */
const DETAILS_BUDGET_MS = 60_000;
const UUID_ONLY = new RegExp(`^${UUID_PATTERN}$`);

export const anesyaPollingTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Checks Anesya on the schedule set in Poll Times and starts once per newly finished extract, with the same output as the Anesya Trigger. Use it when Anesya cannot reach this n8n over HTTPS; otherwise the Anesya Trigger starts at once and costs no requests. Works with Anesya API 0.8.1 credentials.',
		name: 'pollingNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: extractEventOptions,
		default: [...POLLED_EVENTS],
		required: true,
		description: 'Which finished extracts start the workflow',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				...schemaLocator,
				required: false,
				description: 'Only extracts made with this extraction schema',
			},
			{
				...workflowIdFilterProperty,
				description:
					"Only extracts uploaded to this Anesya workflow. Anesya's API cannot list workflows: open the workflow in the Anesya dashboard and copy its ID.",
			},
		],
	},
	outputProperty,
	anesyaResultOptionsProperty,
];

interface PollSettings {
	events: PolledEvent[];
	workflowId?: string;
	schemaId?: string;
	shape: ShapeOptions;
}

function uuidFilter(ctx: IPollFunctions, raw: unknown, name: string): string | undefined {
	const value = typeof raw === 'string' ? raw.trim() : '';
	if (!value) return undefined;
	if (!UUID_ONLY.test(value)) {
		throw new NodeOperationError(ctx.getNode(), `Filters → ${name}: "${value}" is not a valid ID (Anesya IDs are UUIDs)`, {
			description: `Paste the ID from the Anesya dashboard, a UUID such as 300f339f-da71-4f9f-80f6-c25a63baae75, or remove the ${name} filter.`,
		});
	}
	return value.toLowerCase();
}

function readSettings(ctx: IPollFunctions): PollSettings {
	const chosen = ctx.getNodeParameter('events', [...POLLED_EVENTS]) as unknown;
	const events = (Array.isArray(chosen) ? chosen : []).filter((e): e is PolledEvent => (POLLED_EVENTS as readonly string[]).includes(e as string));
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Events: no event is selected', { description: 'Choose Extract Completed, Extract Failed, or both.' });
	}
	const filters = ctx.getNodeParameter('filters', {}) as IDataObject;
	const schema = isObject(filters.schema) ? filters.schema.value : filters.schema;
	return {
		events,
		workflowId: uuidFilter(ctx, filters.workflowId, 'Workflow ID'),
		schemaId: uuidFilter(ctx, schema, 'Schema'),
		shape: readShapeOptions(triggerParameters(ctx), 0),
	};
}

/** An ExtractListItem: finished once FINISHED or ERROR. */
function parseExtract(entry: IDataObject): ListedJob | undefined {
	if (typeof entry.id !== 'string' || !entry.id) return undefined;
	const createdAt = timeOf(entry.created_at);
	const took = typeof entry.extraction_time === 'number' ? entry.extraction_time * 1000 : undefined;
	return { id: entry.id, createdAt, finished: FINAL_STATUSES.has(String(entry.status)), finishedAt: took === undefined ? undefined : createdAt + took, entry };
}

function eventOf(extract: IDataObject): PolledEvent {
	return extract.status === 'FINISHED' ? 'extract.completed' : 'extract.failed';
}

/** The schema an extract used: the list nests it as an object, details give its ID; undefined when not told. */
function schemaOf(extract: IDataObject): string | null | undefined {
	const { schema } = extract;
	if (schema === null) return null;
	if (typeof schema === 'string') return schema.toLowerCase();
	return isObject(schema) && typeof schema.id === 'string' ? schema.id.toLowerCase() : undefined;
}

/**
 * poll() of the Anesya Polling Trigger: `GET /extract/` (optionally of one workflow) read from its
 * cursor; extracts that reached FINISHED or ERROR since the last poll are fetched (`GET /extract/{id}/`)
 * and emitted in the shapes of the Anesya node.
 */
export async function pollAnesya(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(ctx);
	const qs: IDataObject = settings.workflowId ? { workflow_id: settings.workflowId } : {};
	const schemaMatches = (extract: IDataObject) => {
		const schema = schemaOf(extract);
		return settings.schemaId === undefined || schema === undefined || schema === settings.schemaId;
	};
	const wanted = (job: FoundJob) => settings.events.includes(eventOf(job.entry)) && schemaMatches(job.entry);

	return await runPoll(ctx, {
		lists: [
			{
				key: `extracts:${settings.workflowId ?? 'all'}`,
				pageSize: ANESYA_MAX_PAGE_SIZE,
				readPage: async (page) => await anesyaPage(ctx, '/extract/', { page, size: ANESYA_MAX_PAGE_SIZE, qs }),
				parse: parseExtract,
			},
		],
		wanted,
		itemsFor: async (job) => {
			if (!wanted(job)) return [];
			const event = eventOf(job.entry);
			const meta: IDataObject = { event, source: 'poll' };
			let extract: IDataObject;
			try {
				extract = await fetchExtract(ctx, job.id, { signal: AbortSignal.timeout(DETAILS_BUDGET_MS) });
			} catch (error) {
				return [{ _meta: { ...extractMeta(job.entry), ...meta, resultsError: messageOf(error) } }];
			}
			// The list may not have said which schema the extract used; its details do.
			if (!schemaMatches(extract)) return [];
			try {
				return shapeExtract(extract, settings.shape, meta);
			} catch (error) {
				// E.g. "Split Into Items" names a field this extract lacks: keep the extract, say why.
				return [{ _meta: { ...extractMeta(extract), ...meta, resultsError: messageOf(error) } }];
			}
		},
		nothingYet: {
			message: 'No finished Anesya extract to show yet',
			description: 'No extract of the selected events (and filters) has finished. Extract a document with Anesya, then fetch again.',
		},
		maxPerPoll: MAX_DOCUMENTS_PER_POLL,
		concurrency: POLL_FETCH_CONCURRENCY,
	});
}
