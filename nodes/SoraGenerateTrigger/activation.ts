import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from '../shared/constants';
import { readCallbackSecret } from './callbackRequest';

/** Why a Path would give a URL that Sora Generate (or a user) gets wrong; undefined when fine. */
export function pathProblem(rawPath: unknown): { message: string; description: string } | undefined {
	const path = typeof rawPath === 'string' ? rawPath.trim().replace(/^\/+|\/+$/g, '') : '';
	const example = 'Enter just the path, e.g. ttapi-sora: the Production URL is then <your n8n URL>/webhook/ttapi-sora.';
	if (!path) return { message: 'Sora Trigger has no Path', description: example };
	if (path.includes('://')) {
		return { message: `Sora Trigger's Path "${path}" is a whole URL`, description: example };
	}
	if (/^webhook(-test)?(\/|$)/i.test(path)) {
		return {
			message: `Sora Trigger's Path "${path}" starts with "webhook/"`,
			description: `n8n adds /webhook/ itself. ${example}`,
		};
	}
	if (/[?#\s:]/.test(path)) {
		return {
			message: `Sora Trigger's Path "${path}" contains a character that is not allowed (?, #, : or a space)`,
			description: example,
		};
	}
	return undefined;
}

/**
 * Runs when n8n activates the workflow (and when you listen for a test event): refuses to start
 * listening with a Path that would be pasted wrongly, or without a Callback Secret, because
 * every callback would then be refused.
 */
export async function assertReadyForCallbacks(this: IHookFunctions): Promise<void> {
	const node = this.getNode();
	const problem = pathProblem(this.getNodeParameter('path', ''));
	if (problem) throw new NodeOperationError(node, problem.message, { description: problem.description });
	if (!node.webhookId) {
		// Without a webhook ID n8n listens on <workflow id>/<node name>/<path>, not on /webhook/<path>.
		throw new NodeOperationError(node, 'This Sora Trigger has no webhook ID, so its URL would not be <your n8n URL>/webhook/<path>', {
			description:
				'n8n gives a webhook ID to nodes added in the editor; this one probably came from imported JSON without it. Delete the node and add it again (or add "webhookId": "<any UUID>" to it in the workflow JSON).',
		});
	}

	let credentials: IDataObject;
	try {
		credentials = await this.getCredentials(TTAPI_CREDENTIAL_TYPE);
	} catch (error) {
		throw new NodeOperationError(node, 'Sora Trigger needs a TTAPI credential with a Callback Secret', {
			description: `Select the TTAPI credential that Sora Generate uses. (${(error as Error).message})`,
		});
	}
	if (!readCallbackSecret(credentials)) {
		throw new NodeOperationError(
			node,
			'Set a Callback Secret on the TTAPI credential before activating Sora Trigger',
			{
				description:
					'Sora Trigger refuses every callback that lacks the token made from this secret. Open the TTAPI credential, enter any long random text as "Callback Secret", save it, and activate the workflow again. Sora Generate must use the same credential.',
			},
		);
	}
}
