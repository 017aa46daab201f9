import { exportDate, exportFilterQuery, wallTimeToUtc } from '../../../../nodes/Anyformat/helpers/exportFilters';

describe('exportDate', () => {
	it('sends a date, or a time of midnight, as YYYY-MM-DD', () => {
		expect(exportDate('2024-12-20', 'Europe/Berlin')).toBe('2024-12-20');
		expect(exportDate('2024-12-20T00:00:00', 'Europe/Berlin')).toBe('2024-12-20');
		expect(exportDate('2024-12-20T00:00:00.000+01:00', 'UTC')).toBe('2024-12-20');
		expect(exportDate(' 2024-12-20 00:00 ', 'UTC')).toBe('2024-12-20');
	});

	it('reads a time without zone in the workflow time zone and sends the UTC instant', () => {
		expect(exportDate('2024-12-20T10:30:00', 'Europe/Berlin')).toBe('2024-12-20T09:30:00.000Z');
		expect(exportDate('2024-07-01T10:30:00', 'Europe/Berlin')).toBe('2024-07-01T08:30:00.000Z');
		expect(exportDate('2024-12-20T10:30:00', 'America/New_York')).toBe('2024-12-20T15:30:00.000Z');
		expect(exportDate('2024-12-20 10:30', 'UTC')).toBe('2024-12-20T10:30:00.000Z');
	});

	it('keeps the zone a value carries', () => {
		expect(exportDate('2024-12-20T10:30:00Z', 'Europe/Berlin')).toBe('2024-12-20T10:30:00.000Z');
		expect(exportDate('2024-12-20T10:30:00.250-05:00', 'Europe/Berlin')).toBe('2024-12-20T15:30:00.250Z');
		expect(exportDate('2024-12-20T10:30:00+0530', 'UTC')).toBe('2024-12-20T05:00:00.000Z');
	});

	it('takes Date objects and Luxon-like values from expressions', () => {
		expect(exportDate(new Date('2024-12-20T10:30:00Z'), 'Europe/Berlin')).toBe('2024-12-20T10:30:00.000Z');
		expect(exportDate({ toISO: () => '2024-12-20T00:00:00.000+01:00' }, 'UTC')).toBe('2024-12-20');
	});

	it('refuses what is not a date', () => {
		for (const value of ['', 'tomorrow', '2024-02-30', '2024-13-01', '2024-12-20T25:00', '20/12/2024', 42, null, undefined, new Date('x')]) {
			expect(exportDate(value, 'UTC')).toBeUndefined();
		}
	});
});

describe('wallTimeToUtc', () => {
	it('handles daylight saving changes and unknown zones', () => {
		// 2024-03-31 03:30 in Berlin is just after the switch to summer time (UTC+2).
		expect(new Date(wallTimeToUtc(Date.UTC(2024, 2, 31, 3, 30), 'Europe/Berlin')).toISOString()).toBe('2024-03-31T01:30:00.000Z');
		expect(new Date(wallTimeToUtc(Date.UTC(2024, 2, 31, 1, 30), 'Europe/Berlin')).toISOString()).toBe('2024-03-31T00:30:00.000Z');
		expect(wallTimeToUtc(Date.UTC(2024, 0, 1, 12), 'Not/AZone')).toBe(Date.UTC(2024, 0, 1, 12));
	});
});

describe('exportFilterQuery', () => {
	it('maps each match mode and comparison to its documented parameter', () => {
		const result = exportFilterQuery(
			{
				fileName: {
					conditions: [
						{ match: 'equals', value: 'a.pdf' },
						{ match: 'contains', value: 'inv' },
						{ match: 'notContains', value: 'draft' },
						{ match: 'notEquals', value: 'b.pdf' },
						{ match: 'startsWith', value: '2024' },
						{ match: 'endsWith', value: '.pdf' },
					],
				},
				created: {
					conditions: [
						{ comparison: 'on', date: '2024-01-01' },
						{ comparison: 'after', date: '2024-01-02' },
						{ comparison: 'before', date: '2024-01-03' },
						{ comparison: 'onOrAfter', date: '2024-01-04' },
						{ comparison: 'onOrBefore', date: '2024-01-05' },
					],
				},
				lastProcessed: { conditions: [{ comparison: 'onOrAfter', date: '2024-12-20T08:00:00Z' }] },
			},
			'UTC',
		);
		expect(result).toEqual({
			qs: {
				file__name__iexact: 'a.pdf',
				file__name__icontains: 'inv',
				file__name__not_icontains: 'draft',
				file__name__not_iexact: 'b.pdf',
				file__name__istartswith: '2024',
				file__name__iendswith: '.pdf',
				file__created_at: '2024-01-01',
				file__created_at__gt: '2024-01-02',
				file__created_at__lt: '2024-01-03',
				file__created_at__gte: '2024-01-04',
				file__created_at__lte: '2024-01-05',
				file__last_processed_at__gte: '2024-12-20T08:00:00.000Z',
			},
		});
	});

	it('sends nothing without filters', () => {
		expect(exportFilterQuery({}, 'UTC')).toEqual({ qs: {} });
		expect(exportFilterQuery({ created: {} }, 'UTC')).toEqual({ qs: {} });
	});

	it.each([
		[{ fileName: { conditions: [{ match: 'regex', value: 'a' }] } }, 'File Name', '"regex" is not a known match mode'],
		[{ created: { conditions: [{ comparison: 'around', date: '2024-01-01' }] } }, 'Created', '"around" is not a known comparison'],
		[{ lastProcessed: { conditions: [{ comparison: 'on', date: '' }] } }, 'Last Processed', 'a condition has no date'],
		[{ fileName: { conditions: [{ match: 'contains', value: 'a' }, { match: 'contains', value: 'b' }] } }, 'File Name', 'has the same condition twice ("file__name__icontains")'],
	])('%j is refused', (filters, parameter, problem) => {
		expect(exportFilterQuery(filters, 'UTC')).toEqual({ error: { parameter, problem, fix: expect.any(String) } });
	});
});
