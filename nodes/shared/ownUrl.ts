import type { IExecuteFunctions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

export type OwnUrlAnswer = { statusCode: number; body: { message?: string; resumed?: boolean } } | { unreachable: string };

/**
 * A POST from inside n8n to one of its own public URLs (a resume URL), answered or not: behind
 * NAT without hairpin, split DNS or a proxy that answers only from outside, it never gets there.
 */
export async function postToOwnUrl(context: IExecuteFunctions | IWebhookFunctions, url: string): Promise<OwnUrlAnswer> {
	try {
		const response = (await context.helpers.httpRequest({ method: 'POST', url, body: {}, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: 60_000 })) as IN8nHttpFullResponse;
		return { statusCode: response.statusCode, body: (response.body ?? {}) as { message?: string } };
	} catch (error) {
		return { unreachable: (error as Error).message };
	}
}

/** A URL without its query: n8n's signature and our tokens stay out of logs. */
export const withoutQuery = (url: string) => url.split('?')[0];

/** Where README → Troubleshooting explains a URL n8n cannot call from inside. */
export const OWN_URL_HELP = 'See README → Troubleshooting, "n8n cannot reach its own URL".';
