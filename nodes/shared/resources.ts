import { ApiRequestError, redact } from './errors';
import { credentialSecrets } from './connection';
import { apiRequest, type ApiContext, type VendorApi } from './request';

/**
 * Deletes one resource. A 404 on the first attempt means it did not exist (an error naming it); a
 * 404 after a repeated attempt means an earlier attempt did delete it, so that is success.
 */
export async function deleteResource(
	ctx: ApiContext,
	api: VendorApi,
	options: { path: string; itemIndex: number; notFound: { message: string; description: string } },
): Promise<void> {
	const response = await apiRequest.call(ctx, api, {
		method: 'DELETE',
		path: options.path,
		acceptStatus: [404],
		itemIndex: options.itemIndex,
	});
	if (response.statusCode === 404 && response.attempts === 1) {
		const secrets = await credentialSecrets(ctx, api);
		throw new ApiRequestError(ctx.getNode(), {
			message: redact(options.notFound.message, secrets),
			description: options.notFound.description,
			status: 404,
			apiCode: 'NOT_FOUND',
			itemIndex: options.itemIndex,
		});
	}
}
