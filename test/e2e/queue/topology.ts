/**
 * n8n in queue mode, as a scaled-out install runs it: one main (`n8n start`: editor, API, activation of triggers),
 * one worker (`n8n worker`: runs the executions it takes from the Bull queue in Redis) and one webhook processor
 * (`n8n webhook`: receives production webhook calls and puts their executions on the queue), all on one PostgreSQL
 * database, binary data in that database.
 *
 *   const q = await startQueueTopology({ run, label: 'queue' });
 *   q.main.url (API/editor) · q.webhookBaseUrl (what triggers register; the webhook processor) · q.processes()
 *   await q.stop();   // all three, even when one failed to start
 *
 * Every process gets its own state folder (`.e2e/<label>-<stamp>-{main,worker,webhook}/`, so the harness's reaper
 * and pruner see each one) and its own user folder: nothing is shared through the file system, only through
 * PostgreSQL and Redis — exactly like separate containers.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePorts, pruneStateDirs, startN8n, type N8nInstance } from '../support/n8n-instance';
import { E2E_STATE_ROOT } from '../support/paths';
import { descendants } from '../support/proc';
import type { RuntimeInfo } from '../support/runtime';
import { databaseAndQueueEnv, type RunResources } from './services';

export type Role = 'main' | 'worker' | 'webhook';
export const ROLES: readonly Role[] = ['main', 'worker', 'webhook'];

export interface QueueTopologyOptions {
	run: RunResources;
	runtime?: RuntimeInfo;
	label?: string;
	/** package folder to load (default: the repo root) */
	packageDir?: string;
	/** `n8n worker --concurrency` (n8n's default is 10) */
	workerConcurrency?: number;
	/** extra env for every process */
	env?: Record<string, string | undefined>;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export interface QueueTopology {
	main: N8nInstance;
	worker: N8nInstance;
	webhook: N8nInstance;
	byRole: Record<Role, N8nInstance>;
	/** N8N_WEBHOOK_URL of every process: the webhook processor (no trailing slash) */
	webhookBaseUrl: string;
	/** the worker's `--concurrency` */
	workerConcurrency: number;
	/** the environment shared by all three (database, queue, binary data, URLs) */
	sharedEnv: Record<string, string>;
	/** label + pid of each running process (for the attributing proxy) */
	processes(): Array<{ label: Role; pid: number }>;
	/** per role: peak RSS of the n8n process (VmHWM) and current RSS of its children (task runner), in MB */
	memory(): Record<Role, { peakMb: number; childrenMb: number }>;
	timings: Record<string, number>;
	/** stops all three (webhook processor and worker first, then main); idempotent */
	stop(): Promise<void>;
}

/**
 * The env that makes the three processes one installation. Checked against @n8n/config and n8n's cli of 2.41.1:
 * - EXECUTIONS_MODE=queue (the worker forces it, main and the webhook processor need it), DB_TYPE=postgresdb +
 *   DB_POSTGRESDB_*, QUEUE_BULL_REDIS_HOST/PORT/DB, QUEUE_BULL_PREFIX (Bull's keys), N8N_REDIS_KEY_PREFIX (pub/sub
 *   channels, cache, instance registry — channels are not scoped by DB index);
 * - N8N_ENCRYPTION_KEY identical everywhere (the harness sets one fixed key): workers decrypt credentials;
 * - N8N_DEFAULT_BINARY_DATA_MODE=database: a file received by the webhook processor must be readable by the worker
 *   (n8n's default in queue mode is `database` too; `filesystem` would need a shared volume);
 * - N8N_WEBHOOK_URL = the webhook processor: main computes the URLs triggers register in their create();
 * - OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true: manual ("test workflow") runs go to workers too (n8n 2.41 warns
 *   that this becomes the only behaviour);
 * - N8N_GRACEFUL_SHUTDOWN_TIMEOUT: bounded shutdown of a worker with running jobs.
 */
export function sharedQueueEnv(run: RunResources, urls: { main: string; webhook: string }): Record<string, string> {
	return {
		...databaseAndQueueEnv(run),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_WEBHOOK_URL: `${urls.webhook}/`,
		N8N_EDITOR_BASE_URL: `${urls.main}/`,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
}

export async function startQueueTopology(o: QueueTopologyOptions): Promise<QueueTopology> {
	pruneStateDirs();
	const stamp = `${o.label ?? 'queue'}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
	const stateDir = (role: Role) => join(E2E_STATE_ROOT, `${stamp}-${role}`);
	const picked = await freePorts(ROLES.length);
	const ports = Object.fromEntries(ROLES.map((role, i) => [role, picked[i]])) as Record<Role, number>;
	const urls = { main: `http://127.0.0.1:${ports.main}`, webhook: `http://127.0.0.1:${ports.webhook}` };
	const sharedEnv = sharedQueueEnv(o.run, urls);
	const workerConcurrency = o.workerConcurrency ?? 10;
	const common = { runtime: o.runtime, packageDir: o.packageDir, logLevel: o.logLevel ?? 'info', stopTimeoutMs: 20_000 } as const;
	const started: Partial<Record<Role, N8nInstance>> = {};
	const timings: Record<string, number> = {};
	let stopping: Promise<void> | undefined;
	const stopAll = async () => {
		// the processes that take work first, then main (it owns the activations)
		await Promise.all([started.webhook?.stop(), started.worker?.stop()]);
		await started.main?.stop();
	};

	try {
		// main first: on a fresh database it runs the migrations, and it creates the owner from env
		let t = Date.now();
		started.main = await startN8n({
			...common,
			label: `${stamp}-main`,
			stateDir: stateDir('main'),
			port: ports.main,
			args: ['start'],
			env: { ...sharedEnv, ...o.env },
			readyTimeoutMs: 180_000,
		});
		timings['main: spawn -> ready (migrations on a fresh DB)'] = Date.now() - t;

		t = Date.now();
		const [worker, webhook] = await Promise.all([
			startN8n({
				...common,
				label: `${stamp}-worker`,
				stateDir: stateDir('worker'),
				port: ports.worker,
				args: ['worker', `--concurrency=${workerConcurrency}`],
				ownerFromEnv: false,
				env: {
					...sharedEnv,
					// the worker's only HTTP server: /healthz and /healthz/readiness (DB migrated, Redis up, queue set up)
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(ports.worker),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					...o.env,
				},
			}).then((i) => (started.worker = i)),
			startN8n({
				...common,
				label: `${stamp}-webhook`,
				stateDir: stateDir('webhook'),
				port: ports.webhook,
				args: ['webhook'],
				ownerFromEnv: false,
				env: { ...sharedEnv, ...o.env },
			}).then((i) => (started.webhook = i)),
		]);
		timings['worker + webhook processor: spawn -> ready'] = Date.now() - t;
		const byRole: Record<Role, N8nInstance> = { main: started.main, worker, webhook };
		return {
			main: started.main,
			worker,
			webhook,
			byRole,
			webhookBaseUrl: urls.webhook,
			workerConcurrency,
			sharedEnv,
			processes: () => ROLES.filter((r) => byRole[r].isRunning()).map((r) => ({ label: r, pid: byRole[r].pid })),
			memory: () => {
				const out = {} as Record<Role, { peakMb: number; childrenMb: number }>;
				for (const role of ROLES) {
					const pid = byRole[role].pid;
					out[role] = {
						peakMb: statusKb(pid, 'VmHWM') / 1024,
						childrenMb: descendants(pid).reduce((sum, c) => sum + statusKb(c.pid, 'VmRSS'), 0) / 1024,
					};
				}
				return out;
			},
			timings,
			stop: () => (stopping ??= stopAll()),
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** A `kB` field of /proc/<pid>/status (0 when the process is gone). */
function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) : 0;
	} catch {
		return 0;
	}
}

// ---- what the logs say ------------------------------------------------------------------------------------------
export interface QueueLogFacts {
	/** execution id -> Bull job id, from "Enqueued execution 7 (job 3)" (whoever put it on the queue) */
	enqueued: Map<string, string>;
	/** execution id -> job id, from "Worker started execution 7 (job 3)" */
	started: Map<string, string>;
	/** execution id -> job id, from "Worker finished execution 7 (job 3)" */
	finished: Map<string, string>;
}

/** The queue-related lines of one process's log. */
export function queueLogFacts(log: string): QueueLogFacts {
	const collect = (re: RegExp) => new Map([...log.matchAll(re)].map((m) => [m[1], m[2]] as [string, string]));
	return {
		enqueued: collect(/Enqueued execution (\d+) \(job ([^)]+)\)/g),
		started: collect(/Worker started execution (\d+) \(job ([^)]+)\)/g),
		finished: collect(/Worker finished execution (\d+) \(job ([^)]+)\)/g),
	};
}

export interface ExecutionTrail {
	executionId: string;
	jobId?: string;
	/** roles whose log says they enqueued / started / finished it */
	enqueuedBy: Role[];
	startedBy: Role[];
	finishedBy: Role[];
}

/** For one execution: which process enqueued it, which one ran it (from all three logs). */
export function executionTrail(topology: Pick<QueueTopology, 'byRole'>, executionId: string): ExecutionTrail {
	const trail: ExecutionTrail = { executionId, enqueuedBy: [], startedBy: [], finishedBy: [] };
	for (const role of ROLES) {
		const facts = queueLogFacts(topology.byRole[role].readLog());
		const enqueued = facts.enqueued.get(executionId);
		if (enqueued !== undefined) {
			trail.enqueuedBy.push(role);
			trail.jobId ??= enqueued;
		}
		if (facts.started.has(executionId)) trail.startedBy.push(role);
		if (facts.finished.has(executionId)) trail.finishedBy.push(role);
	}
	return trail;
}
