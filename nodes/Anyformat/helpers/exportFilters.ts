import type { IDataObject } from 'n8n-workflow';

/** File Name match modes → the v1 export's case-insensitive `file__name__…` lookups. */
export const FILE_NAME_LOOKUPS: Record<string, string> = {
	contains: 'icontains',
	endsWith: 'iendswith',
	equals: 'iexact',
	notContains: 'not_icontains',
	notEquals: 'not_iexact',
	startsWith: 'istartswith',
};

/** Date comparisons → Django lookup suffixes ("on" is the plain field). */
export const DATE_LOOKUPS: Record<string, string> = {
	after: '__gt',
	before: '__lt',
	on: '',
	onOrAfter: '__gte',
	onOrBefore: '__lte',
};

/** The date filters of the export and the field each one reads. */
export const DATE_FILTERS = [
	{ parameter: 'created', displayName: 'Created', field: 'file__created_at' },
	{ parameter: 'lastProcessed', displayName: 'Last Processed', field: 'file__last_processed_at' },
] as const;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function validDay(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Milliseconds the zone is ahead of UTC at the instant `utcMs`. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The instant a wall-clock time (given as if it were UTC) stands for in `timeZone`. */
export function wallTimeToUtc(wallMs: number, timeZone: string): number {
	const known = (() => {
		try {
			return zoneOffsetMs(wallMs, timeZone);
		} catch {
			// Unknown zone name: read the time as UTC.
			return undefined;
		}
	})();
	if (known === undefined) return wallMs;
	// Second pass: the offset at the candidate instant (differs around DST changes).
	return wallMs - zoneOffsetMs(wallMs - known, timeZone);
}

function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim();
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
	if (value && typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function') {
		// A Luxon DateTime from an expression such as {{ $now }}.
		const iso = (value as { toISO: () => unknown }).toISO();
		return typeof iso === 'string' ? iso : undefined;
	}
	return undefined;
}

/**
 * A date filter value as the export takes it: "YYYY-MM-DD" when no time (or midnight) is given,
 * otherwise an ISO 8601 UTC instant. A time without a zone (what n8n's date picker gives) is read in
 * the workflow's time zone. Undefined when the value is not a date.
 */
export function exportDate(value: unknown, timeZone: string): string | undefined {
	const text = textOf(value);
	if (!text) return undefined;
	const dateOnly = DATE_ONLY.exec(text);
	if (dateOnly) {
		const [, y, m, d] = dateOnly.map(Number);
		return validDay(y, m, d) ? text : undefined;
	}
	const match = DATE_TIME.exec(text);
	if (!match) return undefined;
	const [year, month, day, hour, minute, second = 0] = match.slice(1, 7).map((v) => Number(v ?? 0));
	const fraction = match[7] ? Number(`0.${match[7]}`) : 0;
	const zone = match[8];
	if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
	if (hour === 0 && minute === 0 && second === 0 && fraction === 0) return text.slice(0, 10);
	const wallMs = Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000);
	let instant: number;
	if (!zone) instant = wallTimeToUtc(wallMs, timeZone);
	else if (zone.toUpperCase() === 'Z') instant = wallMs;
	else {
		const sign = zone.startsWith('-') ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		instant = wallMs - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
	}
	return new Date(instant).toISOString();
}

/** A filter the user set that cannot be sent, in the words of invalidInput. */
export interface FilterProblem {
	parameter: string;
	problem: string;
	fix: string;
}

interface Condition {
	operator: string;
	value: unknown;
}

function conditionsOf(filters: IDataObject, parameter: string, operatorKey: string, valueKey: string): Condition[] {
	const group = filters[parameter];
	const rows = group && typeof group === 'object' && Array.isArray((group as IDataObject).conditions)
		? ((group as IDataObject).conditions as IDataObject[])
		: [];
	return rows.map((row) => ({ operator: String(row[operatorKey] ?? ''), value: row[valueKey] }));
}

/**
 * The export's query parameters for the Filters collection. Two conditions that map to the same
 * parameter (e.g. two "After" dates) cannot both be sent, so they are refused.
 */
export function exportFilterQuery(filters: IDataObject, timeZone: string): { qs: IDataObject } | { error: FilterProblem } {
	const qs: IDataObject = {};
	const add = (parameter: string, key: string, value: string): FilterProblem | undefined => {
		if (key in qs) {
			return {
				parameter,
				problem: `has the same condition twice ("${key}")`,
				fix: 'Keep one condition of each kind; combine different ones (e.g. On or After with Before) for a range.',
			};
		}
		qs[key] = value;
		return undefined;
	};

	for (const { operator, value } of conditionsOf(filters, 'fileName', 'match', 'value')) {
		const lookup = FILE_NAME_LOOKUPS[operator];
		if (!lookup) {
			return { error: { parameter: 'File Name', problem: `"${operator}" is not a known match mode`, fix: 'Pick a match mode from the list.' } };
		}
		const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
		if (!text) return { error: { parameter: 'File Name', problem: 'a condition has no text', fix: 'Enter the text to match, or remove the condition.' } };
		const duplicate = add('File Name', `file__name__${lookup}`, text);
		if (duplicate) return { error: duplicate };
	}

	for (const filter of DATE_FILTERS) {
		for (const { operator, value } of conditionsOf(filters, filter.parameter, 'comparison', 'date')) {
			const suffix = DATE_LOOKUPS[operator];
			if (suffix === undefined) {
				return { error: { parameter: filter.displayName, problem: `"${operator}" is not a known comparison`, fix: 'Pick a comparison from the list.' } };
			}
			const date = exportDate(value, timeZone);
			if (!date) {
				const empty = value === undefined || value === null || value === '';
				return {
					error: {
						parameter: filter.displayName,
						problem: empty ? 'a condition has no date' : `"${textOf(value) ?? String(value)}" is not a date`,
						fix: 'Pick a date, or enter one as YYYY-MM-DD or an ISO 8601 date and time (e.g. 2024-12-20T09:30:00Z).',
					},
				};
			}
			const duplicate = add(filter.displayName, `${filter.field}${suffix}`, date);
			if (duplicate) return { error: duplicate };
		}
	}
	return { qs };
}
