/** Small stopwatch for e2e suites: measure named steps, then print one compact table. */
export class Timings {
	readonly entries: Array<{ name: string; ms: number; note?: string }> = [];

	record(name: string, ms: number, note?: string): void {
		this.entries.push({ name, ms: Math.round(ms), note });
	}

	/** attach a short note to the most recent entry (e.g. a result worth seeing in the summary) */
	annotate(note: string): void {
		const last = this.entries.at(-1);
		if (last) last.note = note.length > 90 ? `${note.slice(0, 87)}...` : note;
	}

	async measure<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
		const start = performance.now();
		try {
			return await fn();
		} finally {
			this.record(name, performance.now() - start);
		}
	}

	summary(title = 'e2e timings'): string {
		const width = Math.max(10, ...this.entries.map((e) => e.name.length));
		const lines = this.entries.map(
			(e) => `  ${e.name.padEnd(width)}  ${formatMs(e.ms).padStart(9)}${e.note ? `  ${e.note}` : ''}`,
		);
		return [`${title}:`, ...lines].join('\n');
	}

	toJSON(): Record<string, number> {
		return Object.fromEntries(this.entries.map((e) => [e.name, e.ms]));
	}
}

export function formatMs(ms: number): string {
	return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
