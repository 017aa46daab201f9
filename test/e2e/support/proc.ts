/**
 * Process-tree helpers (Linux /proc). Children are started in the caller's process group on purpose, so a Ctrl-C
 * in the terminal reaches n8n too; stopping one instance therefore kills its tree by pid, never by name.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcRef {
	pid: number;
	/** start time in clock ticks since boot (field 22 of /proc/<pid>/stat): tells a recycled pid apart */
	startTime: string;
}

function stat(pid: number): { ppid: number; startTime: string } | undefined {
	try {
		const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
		return { ppid: Number(fields[1]), startTime: fields[19] };
	} catch {
		return undefined;
	}
}

/** pid and start time of every descendant of `pid` (children, grandchildren, …), now. */
export function descendants(pid: number): ProcRef[] {
	const children = new Map<number, ProcRef[]>();
	let entries: string[] = [];
	try {
		entries = readdirSync('/proc');
	} catch {
		return [];
	}
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		const p = Number(entry);
		const st = stat(p);
		if (!st) continue;
		const list = children.get(st.ppid) ?? [];
		list.push({ pid: p, startTime: st.startTime });
		children.set(st.ppid, list);
	}
	const out: ProcRef[] = [];
	const queue = [pid];
	while (queue.length) {
		for (const c of children.get(queue.shift()!) ?? []) {
			out.push(c);
			queue.push(c.pid);
		}
	}
	return out;
}

export function procRef(pid: number): ProcRef | undefined {
	const st = stat(pid);
	return st ? { pid, startTime: st.startTime } : undefined;
}

/** true if that very process (same pid AND start time) is still alive (zombies count as gone). */
export function isAlive(ref: ProcRef): boolean {
	const st = stat(ref.pid);
	if (!st || st.startTime !== ref.startTime) return false;
	try {
		return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${ref.pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

/** Send `signal` to each process that is still the one recorded. Returns the pids signalled. */
export function signalAll(refs: ProcRef[], signal: NodeJS.Signals): number[] {
	const hit: number[] = [];
	for (const ref of refs) {
		if (!isAlive(ref)) continue;
		try {
			process.kill(ref.pid, signal);
			hit.push(ref.pid);
		} catch {
			// gone meanwhile
		}
	}
	return hit;
}
