import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ListPage } from './paging';
import { mapConcurrent } from './pipeline';
import {
	advanceCursor,
	emptyCursor,
	keepCursors,
	newestFinished,
	putBack,
	readCursor,
	scanBound,
	scanList,
	writeCursor,
	type CursorState,
	type ListedJob,
} from './pollCursor';

/** One vendor list a polling trigger watches. */
export interface PolledList {
	/** Names the list's cursor in static data (e.g. the workflow ID). */
	key: string;
	pageSize: number;
	readPage: (page: number) => Promise<ListPage>;
	/** Reads a list entry; undefined skips it. */
	parse: (entry: IDataObject) => ListedJob | undefined;
	/** The list appeared after the trigger started (e.g. a new workflow): every job in it is new. */
	appearedLater?: boolean;
}

export interface FoundJob extends ListedJob {
	list: string;
}

export interface PollSpec {
	lists: PolledList[];
	/** The items for one finished job; [] for a job the trigger does not want (e.g. an event not selected). */
	itemsFor: (job: FoundJob) => Promise<IDataObject[]>;
	/** Whether Fetch Test Event may show this job (same filter as itemsFor). */
	wanted: (job: FoundJob) => boolean;
	/** What Fetch Test Event says when no finished job is there to show. */
	nothingYet: { message: string; description: string };
	/** Documents one poll turns into items at most; the rest come with the next polls. */
	maxPerPoll: number;
	/** Result downloads at once. */
	concurrency: number;
}

/** Documents one poll emits at most (their results are downloaded within the poll). */
export const MAX_DOCUMENTS_PER_POLL = 100;
/** Result downloads one poll runs at once. */
export const POLL_FETCH_CONCURRENCY = 4;
/** Share of n8n's poll budget spent downloading results; the rest is left for answers in flight. */
const BUDGET_SHARE = 0.8;
/** n8n versions that do not state a poll budget. */
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

/**
 * Polls in progress in this process, by workflow and node. n8n starts a poll on every Poll Times
 * tick whether or not the previous one has returned; two polls reading the same cursor would emit
 * the same documents twice, so a tick that finds its predecessor still running does nothing.
 */
const running = new Set<string>();

/** How long this poll may take (n8n 2.41+ says; its tick is abandoned after that). */
function pollBudgetMs(ctx: IPollFunctions): number {
	const stated = typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : undefined;
	return typeof stated === 'number' && stated > 0 ? stated : DEFAULT_POLL_BUDGET_MS;
}

/**
 * poll() of a polling trigger. Reads each list from its cursor, turns jobs that finished since the
 * last poll into items (downloading results only for those), stores the new cursors, and returns
 * null when there is nothing to emit. The cursors are written only after the items exist: a poll
 * that fails repeats its window next time. Fetch Test Event (manual mode) returns the newest
 * finished job and leaves the cursors alone.
 */
export async function runPoll(ctx: IPollFunctions, spec: PollSpec): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return await testEvent(ctx, spec);
	const key = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	if (running.has(key)) {
		ctx.logger.debug(`${ctx.getNode().name}: the previous poll is still running; skipping this one`);
		return null;
	}
	running.add(key);
	try {
		return await pollOnce(ctx, spec);
	} finally {
		running.delete(key);
	}
}

async function pollOnce(ctx: IPollFunctions, spec: PollSpec): Promise<INodeExecutionData[][] | null> {
	const store = ctx.getWorkflowStaticData('node');
	const deadline = Date.now() + pollBudgetMs(ctx) * BUDGET_SHARE;
	const states = new Map<string, CursorState>();
	const found: FoundJob[] = [];
	for (const list of spec.lists) {
		const previous = readCursor(store, list.key) ?? (list.appearedLater ? emptyCursor() : undefined);
		const scan = await scanList(list.readPage, list.parse, {
			pageSize: list.pageSize,
			stopAt: scanBound(previous),
			settleFromNewest: true,
			hint: previous && { order: previous.order, count: previous.count },
		});
		const { state, finished } = advanceCursor(previous, scan, Math.max(0, spec.maxPerPoll - found.length));
		states.set(list.key, state);
		found.push(...finished.map((job) => ({ ...job, list: list.key })));
	}

	const outcomes = await mapConcurrent(found.length, spec.concurrency, async (index) =>
		Date.now() < deadline ? await spec.itemsFor(found[index]) : undefined,
	);
	const items: IDataObject[] = [];
	const late = new Map<string, FoundJob[]>();
	outcomes.forEach((outcome, index) => {
		if (!outcome.ok) throw outcome.error;
		if (outcome.value === undefined) late.set(found[index].list, [...(late.get(found[index].list) ?? []), found[index]]);
		else items.push(...outcome.value);
	});

	for (const [key, state] of states) writeCursor(store, key, putBack(state, late.get(key) ?? []));
	keepCursors(store, [...states.keys()]);
	if (late.size > 0) {
		ctx.logger.info(`${ctx.getNode().name}: the poll's time ran out; ${[...late.values()].flat().length} finished documents come with the next poll`);
	}
	return items.length ? [ctx.helpers.returnJsonArray(items)] : null;
}

/** Fetch Test Event: the newest finished job the trigger would emit, whatever the cursors say. */
async function testEvent(ctx: IPollFunctions, spec: PollSpec): Promise<INodeExecutionData[][]> {
	const candidates: FoundJob[] = [];
	for (const list of spec.lists) {
		const scan = await scanList(list.readPage, list.parse, { pageSize: list.pageSize });
		candidates.push(...scan.jobs.map((job) => ({ ...job, list: list.key })).filter((job) => spec.wanted(job)));
	}
	const newest = newestFinished(candidates) as FoundJob | undefined;
	if (!newest) throw new NodeOperationError(ctx.getNode(), spec.nothingYet.message, { description: spec.nothingYet.description });
	return [ctx.helpers.returnJsonArray(await spec.itemsFor(newest))];
}
