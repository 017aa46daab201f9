import { ApiRequestError } from '../../shared/errors';
import type { ApiContext } from '../../shared/request';
import { anyformatRequest } from '../transport';

/**
 * Deletes one anyformat resource. A 404 on the first attempt means it did not exist (an error that
 * names it); a 404 after a retried attempt means an earlier attempt deleted it (success).
 */
export async function deleteAnyformatResource(
	ctx: ApiContext,
	options: { path: string; itemIndex: number; notFound: { message: string; description: string } },
): Promise<void> {
	const response = await anyformatRequest(ctx, {
		method: 'DELETE',
		path: options.path,
		acceptStatus: [404],
		itemIndex: options.itemIndex,
	});
	if (response.statusCode === 404 && response.attempts === 1) {
		throw new ApiRequestError(ctx.getNode(), {
			...options.notFound,
			status: 404,
			apiCode: 'NOT_FOUND',
			itemIndex: options.itemIndex,
		});
	}
}
