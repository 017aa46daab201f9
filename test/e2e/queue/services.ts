/**
 * Redis + PostgreSQL for the queue-mode suite.
 *
 *   const services = bootServices();                               // services.sh up: the machine's, or private ones
 *   const run = await createRunResources(runtime, services, runId);  // a fresh database, a Redis DB index + key prefix
 *   ... n8n main / worker / webhook processor get databaseAndQueueEnv(run) ...
 *   await cleanupRun(run);                                          // DROP DATABASE, delete the run's keys, stop private services
 *
 * Every run is recorded in `<repo>/.e2e/queue-run-<tag>.json` before anything is created, so the global teardown
 * (and the next run, for an interrupted one) can finish its clean-up: `cleanupRecordedRuns`.
 * The PostgreSQL and Redis clients are the runtime's own `pg` and `ioredis` (n8n depends on both).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { reapInstances } from '../support/n8n-instance';
import { E2E_STATE_ROOT, REPO_ROOT } from '../support/paths';
import { isAlive, procRef, type ProcRef } from '../support/proc';
import type { RuntimeInfo } from '../support/runtime';

export const SERVICES_SCRIPT = join(REPO_ROOT, 'test', 'e2e', 'queue', 'services.sh');

export interface ServiceEndpoints {
	redis: { host: string; port: number; private: boolean; started: boolean };
	postgres: { host: string; port: number; user: string; private: boolean; started: boolean };
	stateDir: string;
}

/** What one run created, and where: enough to clean up from another process. */
export interface RunResources {
	runId: string;
	/** the n8n database of this run (created fresh, dropped at the end) */
	database: string;
	/** Redis DB index used by this run */
	redisDb: number;
	/** stem of every Redis key and pub/sub channel of this run (N8N_REDIS_KEY_PREFIX; Bull's prefix starts with it too) */
	redisPrefix: string;
	/** QUEUE_BULL_PREFIX */
	bullPrefix: string;
	services: ServiceEndpoints;
	/** folder the pg/ioredis clients are resolved from (the n8n runtime's install folder) */
	clientModulesFrom: string;
	recordFile: string;
	/** the test process that owns the run: a record whose owner is gone is a leftover of an interrupted run */
	owner?: ProcRef;
}

// ---- services.sh -------------------------------------------------------------------------------------------
function runScript(command: 'up' | 'down' | 'status', timeoutMs: number, stateDir?: string): { stdout: string; stderr: string } {
	const env = { ...process.env, ...(stateDir ? { E2E_QUEUE_STATE_DIR: stateDir } : {}) };
	const r = spawnSync('bash', [SERVICES_SCRIPT, command], { env, encoding: 'utf8', timeout: timeoutMs });
	if (r.status !== 0) {
		throw new Error(`services.sh ${command} failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${r.stderr}`);
	}
	return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * services.sh up: the machine's Redis/PostgreSQL on their standard loopback ports when they answer, else private
 * instances (installed from Debian first when missing). Bounded: 15 min covers an apt-get install.
 */
export function bootServices(): ServiceEndpoints & { log: string } {
	const { stdout, stderr } = runScript('up', 15 * 60_000);
	const line = stdout.trim().split('\n').pop() ?? '';
	return { ...(JSON.parse(line) as ServiceEndpoints), log: stderr.trim() };
}

/** Stops private instances, but only those the `up` of this run started (a reused one may serve another run). */
export function stopStartedServices(services: ServiceEndpoints): boolean {
	if (!services.redis.started && !services.postgres.started) return false;
	runScript('down', 120_000, services.stateDir);
	return true;
}

// ---- clients (the runtime's pg + ioredis) -------------------------------------------------------------------
interface PgClient {
	connect(): Promise<void>;
	query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
	end(): Promise<void>;
}
interface RedisClient {
	select(db: number): Promise<unknown>;
	dbsize(): Promise<number>;
	scan(cursor: string, ...args: Array<string | number>): Promise<[string, string[]]>;
	unlink(...keys: string[]): Promise<number>;
	quit(): Promise<unknown>;
	disconnect(): void;
}

function loadFrom<T>(modulesFrom: string, name: string): T {
	const path = require.resolve(name, { paths: [modulesFrom] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path) as T;
}

/** A connected client for `database` (default: the maintenance DB `postgres`). Close it with end(). */
export async function pgClient(run: Pick<RunResources, 'services' | 'clientModulesFrom'>, database = 'postgres'): Promise<PgClient> {
	const { Client } = loadFrom<{ Client: new (o: Record<string, unknown>) => PgClient }>(run.clientModulesFrom, 'pg');
	const { host, port, user } = run.services.postgres;
	const client = new Client({ host, port, user, database, connectionTimeoutMillis: 5_000, statement_timeout: 30_000 });
	await client.connect();
	return client;
}

async function withRedis<T>(run: Pick<RunResources, 'services' | 'clientModulesFrom'>, db: number, fn: (r: RedisClient) => Promise<T>): Promise<T> {
	const Redis = loadFrom<new (o: Record<string, unknown>) => RedisClient>(run.clientModulesFrom, 'ioredis');
	const { host, port } = run.services.redis;
	const redis = new Redis({ host, port, db, lazyConnect: false, connectTimeout: 5_000, commandTimeout: 10_000, maxRetriesPerRequest: 1 });
	try {
		return await fn(redis);
	} finally {
		await redis.quit().catch(() => redis.disconnect());
	}
}

/** Keys of the run's prefix, counted with SCAN (never KEYS) — and deleted when `remove` is set. */
async function scanRunKeys(run: RunResources, remove: boolean): Promise<number> {
	return await withRedis(run, run.redisDb, async (redis) => {
		let cursor = '0';
		let count = 0;
		for (let round = 0; round < 10_000; round++) {
			const [next, keys] = await redis.scan(cursor, 'MATCH', `${run.redisPrefix}*`, 'COUNT', 1000);
			count += keys.length;
			if (remove && keys.length) await redis.unlink(...keys);
			cursor = next;
			if (cursor === '0') break;
		}
		return count;
	});
}

async function countRunKeys(run: RunResources): Promise<number> {
	return await scanRunKeys(run, false);
}

// ---- per-run resources ----------------------------------------------------------------------------------------
/**
 * A fresh database and a Redis DB index + unique key prefix for one run. The Redis DB is `E2E_QUEUE_REDIS_DB`, or
 * the first of 1..15 that is empty right now (DB 0 is where other software usually lives); the prefix keeps runs
 * apart even when they share a DB index. Pub/sub channels ignore DB indexes, so the prefix (N8N_REDIS_KEY_PREFIX)
 * is what keeps this run's n8n processes from hearing another queue-mode n8n on the same Redis.
 */
export async function createRunResources(runtime: RuntimeInfo, services: ServiceEndpoints, runId: string): Promise<RunResources> {
	const tag = `${runId.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(-10)}${randomBytes(2).toString('hex')}`;
	const clientModulesFrom = runtime.n8nDir;
	const redisPrefix = `e2eq-${tag}`;
	const run: RunResources = {
		runId,
		database: `n8n_e2e_queue_${tag}`,
		redisDb: -1,
		redisPrefix,
		bullPrefix: `${redisPrefix}-bull`,
		services,
		clientModulesFrom,
		recordFile: join(E2E_STATE_ROOT, `queue-run-${tag}.json`),
		owner: procRef(process.pid),
	};
	run.redisDb = process.env.E2E_QUEUE_REDIS_DB !== undefined ? Number(process.env.E2E_QUEUE_REDIS_DB) : await emptyRedisDb(run);
	// record first: whatever is created below, the teardown can remove it
	mkdirSync(E2E_STATE_ROOT, { recursive: true });
	writeFileSync(run.recordFile, JSON.stringify(run, null, 2));
	const admin = await pgClient(run);
	try {
		await admin.query(`CREATE DATABASE "${run.database}"`);
	} finally {
		await admin.end();
	}
	return run;
}

async function emptyRedisDb(run: Pick<RunResources, 'services' | 'clientModulesFrom'>): Promise<number> {
	for (let db = 1; db <= 15; db++) {
		const size = await withRedis(run, db, async (r) => await r.dbsize()).catch(() => undefined);
		if (size === 0) return db;
		if (size === undefined) break; // a Redis with fewer DBs: fall back below
	}
	return 1;
}

export interface CleanupReport {
	database: string;
	databaseDropped: boolean;
	redisKeysDeleted: number;
	redisKeysLeft: number;
	/** keys left in the run's Redis DB that do not carry its prefix (the DB was empty when the run chose it) */
	otherKeysInDb: number;
	privateServicesStopped: boolean;
}

/**
 * Drops the run's database (terminating connections left by killed processes) and deletes its Redis keys, then
 * stops the private services this run started. Idempotent; call it after every n8n process of the run has stopped.
 */
export async function cleanupRun(run: RunResources): Promise<CleanupReport> {
	const report: CleanupReport = {
		database: run.database,
		databaseDropped: false,
		redisKeysDeleted: 0,
		redisKeysLeft: 0,
		otherKeysInDb: 0,
		privateServicesStopped: false,
	};
	const errors: string[] = [];
	try {
		const admin = await pgClient(run);
		try {
			const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [run.database]);
			if (exists.rows.length) {
				await admin.query(`DROP DATABASE IF EXISTS "${run.database}" WITH (FORCE)`);
				report.databaseDropped = true;
			}
		} finally {
			await admin.end();
		}
	} catch (error) {
		errors.push(`drop database ${run.database}: ${(error as Error).message}`);
	}
	try {
		report.redisKeysDeleted = await scanRunKeys(run, true);
		report.redisKeysLeft = await countRunKeys(run);
		report.otherKeysInDb = (await withRedis(run, run.redisDb, async (r) => await r.dbsize())) - report.redisKeysLeft;
	} catch (error) {
		errors.push(`delete redis keys ${run.redisPrefix}*: ${(error as Error).message}`);
	}
	try {
		report.privateServicesStopped = stopStartedServices(run.services);
	} catch (error) {
		errors.push((error as Error).message);
	}
	if (errors.length) throw new Error(`queue e2e clean-up incomplete: ${errors.join('; ')}`);
	rmSync(run.recordFile, { force: true });
	return report;
}

function recordedRuns(): RunResources[] {
	if (!existsSync(E2E_STATE_ROOT)) return [];
	return readdirSync(E2E_STATE_ROOT)
		.filter((name) => /^queue-run-.*\.json$/.test(name))
		.map((name) => JSON.parse(readFileSync(join(E2E_STATE_ROOT, name), 'utf8')) as RunResources);
}

/**
 * Safety net: finish the clean-up of the recorded run `runId` (global teardown), or with `abandoned`, of every
 * recorded run whose test process is gone (an interrupted run; called before a new run boots the services). Its n8n
 * processes are killed first (the harness reaper, by run id), then its database and keys go; private services it
 * started are stopped unless a live run still uses them.
 */
export async function cleanupRecordedRuns(which: { runId?: string; abandoned?: boolean }): Promise<CleanupReport[]> {
	const runs = recordedRuns();
	const isAbandoned = (r: RunResources) => r.owner !== undefined && !isAlive(r.owner);
	const reports: CleanupReport[] = [];
	for (const run of runs) {
		if (run.runId !== which.runId && !(which.abandoned && isAbandoned(run))) continue;
		reapInstances(run.runId);
		const sharedWithLiveRun = runs.some((r) => r !== run && !isAbandoned(r) && r.services.stateDir === run.services.stateDir);
		reports.push(await cleanupRun(sharedWithLiveRun ? { ...run, services: notStarted(run.services) } : run));
	}
	return reports;
}

function notStarted(s: ServiceEndpoints): ServiceEndpoints {
	return { ...s, redis: { ...s.redis, started: false }, postgres: { ...s.postgres, started: false } };
}

/** n8n's environment for this run's database and queue (identical for main, worker and webhook processor). */
export function databaseAndQueueEnv(run: RunResources): Record<string, string> {
	const { postgres, redis } = run.services;
	return {
		// n8n supports several processes only on PostgreSQL (SQLite is a file of one process)
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: run.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		DB_POSTGRESDB_SCHEMA: 'public',
		// the Bull queue (jobs) and n8n's own Redis use: pub/sub commands, cache, instance registry
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_DB: String(run.redisDb),
		QUEUE_BULL_PREFIX: run.bullPrefix,
		N8N_REDIS_KEY_PREFIX: run.redisPrefix,
	};
}
