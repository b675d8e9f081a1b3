import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { TTAPI_PATHS } from './constants';
import { CredentialSetupError, readTtApiCredentials } from './credentials';

/**
 * Tests the credential against TTAPI's account info and shows TTAPI's own message when the key
 * is refused (n8n's declarative test could only show "Unauthorized").
 */
export async function testTtApiCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let apiKey: string;
	let baseUrl: string;
	try {
		({ apiKey, baseUrl } = readTtApiCredentials(credential.data ?? {}));
	} catch (error) {
		if (error instanceof CredentialSetupError) return { status: 'Error', message: error.message };
		throw error;
	}
	let response: { statusCode: number; body: unknown };
	try {
		// Credential tests only get the legacy `request` helper, on both n8n lines.
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		response = (await this.helpers.request({
			method: 'GET',
			uri: `${baseUrl}${TTAPI_PATHS.accountInfo}`,
			headers: { 'TT-API-KEY': apiKey },
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: 20_000,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
		return { status: 'Error', message: `Could not reach TTAPI at ${baseUrl}${code ? ` (${code})` : ''}` };
	}
	const body = (response.body && typeof response.body === 'object' ? response.body : {}) as IDataObject;
	if (response.statusCode >= 200 && response.statusCode < 300 && body.status === 'SUCCESS') {
		const balance = (body.data as IDataObject | undefined)?.balance;
		return {
			status: 'OK',
			message: balance === undefined ? 'Connection successful!' : `Connection successful! Balance: ${String(balance)} quota`,
		};
	}
	const message = typeof body.message === 'string' && body.message ? body.message : `HTTP ${response.statusCode}`;
	return { status: 'Error', message: `TTAPI: ${message}` };
}
