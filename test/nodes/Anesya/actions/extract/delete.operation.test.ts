import { useAnesyaEnv } from '../../anesya-env';

const env = useAnesyaEnv();

describe('Extract → Delete', () => {
	it('deletes an extract; a second delete is a 404', async () => {
		const id = await env.submit(1);
		const { items } = await env.run({ resource: 'extract', operation: 'delete', extractId: id });
		expect(items[0].json).toEqual({ deleted: true, extractId: id });
		expect(env.fake.anesya.extracts).toHaveLength(0);
		const again = await env.run({ resource: 'extract', operation: 'delete', extractId: id });
		expect(again.error?.message).toBe(`Anesya has no extract ${id}`);
	});

	it('a 404 after a retried DELETE counts as deleted', async () => {
		const id = await env.submit(1);
		// The first attempt deletes the extract but its answer arrives garbled, so the DELETE is retried.
		env.fake.injectFault({ method: 'DELETE', path: /^\/anesya\/extract\//, kind: 'malformed' });
		const { items, error } = await env.run({ resource: 'extract', operation: 'delete', extractId: id });
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, extractId: id });
		const attempts = env.calls('DELETE /anesya/extract/{id}/');
		expect(attempts.map((e) => e.fault ?? null)).toEqual(['malformed', null]);
		expect(attempts[1].status).toBe(404);
	});
});
