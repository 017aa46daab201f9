import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { readPages } from '../../shared/paging';
import { readCursor, SETTLE_MS, timeOf, type ListedJob } from '../../shared/pollCursor';
import { MAX_DOCUMENTS_PER_POLL, POLL_FETCH_CONCURRENCY, runPoll, type FoundJob, type PolledList } from '../../shared/pollTrigger';
import { TERMINAL_STATUSES } from '../helpers/checker';
import { ANYFORMAT_PAGE_SIZE, anyformatPage } from '../transport';
import { eventItems } from './items';
import { readTriggerSettings, type TriggerSettings } from './properties';

/** A results download may take this long (with its retries) before the item carries `_meta.resultsError`. */
const RESULTS_BUDGET_MS = 60_000;
/** Static data: when this trigger first polled, on anyformat's clock (workflows created later are new). */
const STARTED_KEY = 'pollStartedAt';

function runsPath(workflowId: string): string {
	return `/v2/workflows/${encodeURIComponent(workflowId)}/runs/`;
}

/** A runs-list entry (`{id, status, created_at, updated_at}`): finished once processed, error or cancelled. */
function parseRun(entry: IDataObject): ListedJob | undefined {
	if (typeof entry.id !== 'string' || !entry.id) return undefined;
	const finished = TERMINAL_STATUSES.has(String(entry.status));
	return { id: entry.id, createdAt: timeOf(entry.created_at), finished, finishedAt: finished ? timeOf(entry.updated_at) : undefined, entry };
}

function eventOf(job: ListedJob): 'extraction.completed' | 'extraction.failed' {
	return job.entry.status === 'processed' ? 'extraction.completed' : 'extraction.failed';
}

/** The workflows to watch, and anyformat's clock now (from the answer's Date header). */
async function watchedWorkflows(ctx: IPollFunctions, settings: TriggerSettings): Promise<{ workflows: IDataObject[]; apiNow: number }> {
	let offset: number | undefined;
	const requestedAt = Date.now();
	if (settings.workflowId !== undefined) return { workflows: [{ id: settings.workflowId }], apiNow: requestedAt };
	const workflows = await readPages(
		async (page, size) => {
			const answer = await anyformatPage(ctx, '/v2/workflows/', { page, size });
			offset ??= answer.clockOffsetMs;
			return answer;
		},
		{ maxPageSize: ANYFORMAT_PAGE_SIZE },
	);
	return { workflows: workflows.filter((w) => typeof w.id === 'string' && w.id), apiNow: requestedAt + (offset ?? 0) };
}

/**
 * poll() of the Anyformat Polling Trigger: the runs list of each watched workflow, read from its
 * cursor; runs that finished since the last poll become the same items the webhook trigger emits.
 * A workflow created after the trigger started is new as a whole: all of its finished runs count.
 */
export async function pollAnyformat(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readTriggerSettings(ctx);
	const store = ctx.getWorkflowStaticData('node');
	const { workflows, apiNow } = await watchedWorkflows(ctx, settings);
	const startedAt = typeof store[STARTED_KEY] === 'number' ? (store[STARTED_KEY] as number) : undefined;
	if (startedAt === undefined && ctx.getMode() !== 'manual') store[STARTED_KEY] = apiNow;

	const lists: PolledList[] = workflows.map((workflow) => {
		const workflowId = String(workflow.id);
		return {
			key: workflowId,
			pageSize: ANYFORMAT_PAGE_SIZE,
			readPage: async (page) => await anyformatPage(ctx, runsPath(workflowId), { page, size: ANYFORMAT_PAGE_SIZE }),
			parse: parseRun,
			appearedLater:
				startedAt !== undefined && readCursor(store, workflowId) === undefined && timeOf(workflow.created_at) >= startedAt - SETTLE_MS,
		};
	});
	const wanted = (job: FoundJob) => (settings.events as string[]).includes(eventOf(job));

	return await runPoll(ctx, {
		lists,
		wanted,
		itemsFor: async (job) => {
			if (!wanted(job)) return [];
			const event = eventOf(job);
			const finishedAt = typeof job.entry.updated_at === 'string' ? job.entry.updated_at : null;
			const data: IDataObject = {
				extraction_id: job.id,
				status: job.entry.status as string,
				workflow_id: job.list,
				processed_at: event === 'extraction.completed' ? finishedAt : null,
			};
			return await eventItems(
				ctx,
				{ event, timestamp: finishedAt, data, collectionId: job.id, workflowId: job.list, meta: { event, source: 'poll', timestamp: finishedAt } },
				settings,
				RESULTS_BUDGET_MS,
			);
		},
		nothingYet: {
			message: 'No finished anyformat extraction to show yet',
			description:
				settings.workflowId === undefined
					? 'None of the workflows of this account has a finished run of the selected events. Run a document through anyformat, then fetch again.'
					: 'The chosen workflow has no finished run of the selected events yet. Run a document through it, then fetch again.',
		},
		maxPerPoll: MAX_DOCUMENTS_PER_POLL,
		concurrency: POLL_FETCH_CONCURRENCY,
	});
}
