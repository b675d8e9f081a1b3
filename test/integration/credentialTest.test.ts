import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted } from 'n8n-workflow';

import { testTtApiCredential } from '../../nodes/shared/credentialTest';
import { ensureEnvironment } from '../harness/environment';
import { API_KEY, startTestSimulator, type Simulator } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
	ensureEnvironment();
	sim = await startTestSimulator();
});
afterAll(async () => await sim.close());

// n8n's own context for credential tests: its `request` helper is the legacy one n8n hands to
// a node's testedBy function on both lines.
async function testCredential(data: Record<string, string>) {
	const context = new CredentialTestContext();
	const credential = { id: 'c1', name: 'TTAPI', type: 'ttApi', data } as ICredentialsDecrypted;
	return await testTtApiCredential.call(context, credential);
}

describe('TTAPI API credential test', () => {
	it('succeeds with a good key and shows the balance', async () => {
		const result = await testCredential({ apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: `${sim.url}/` });
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connection successful! Balance: \d+ quota$/);
		expect(sim.counters().infoCalls).toBeGreaterThan(0);
	});

	it("shows TTAPI's own message for a wrong key, never the key", async () => {
		const result = await testCredential({ apiKey: 'sk-wrong-CRED-TEST-1', baseUrl: 'custom', customBaseUrl: sim.url });
		expect(result).toEqual({ status: 'Error', message: 'TTAPI: Wrong TT-API-KEY or email is not activated.' });
	});

	it('names the problem when the base URL is not http(s) or nothing listens there', async () => {
		expect(await testCredential({ apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: 'ftp://example.com' })).toEqual({
			status: 'Error',
			message: 'The TTAPI credential\'s Base URL must start with http:// or https:// (got "ftp:")',
		});
		const closed = await testCredential({ apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: 'http://127.0.0.1:9' });
		expect(closed.status).toBe('Error');
		expect(closed.message).toMatch(/^Could not reach TTAPI at http:\/\/127\.0\.0\.1:9/);
	});
});
