import { generateParameters, prompts, runSora, startTestSimulator, type Simulator } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

describe('number fields beyond their limits (an expression or imported JSON can set any number)', () => {
	it('Max Jobs in Flight above 50 stops the node naming the field, before anything is sent', async () => {
		const result = await runSora(sim, generateParameters({ maxJobsInFlight: 51 }), prompts('one'));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Invalid "Max Jobs in Flight": must be at most 50 (got 51)');
		expect(sim.counters().submitRequests).toBe(0);
	});

	it('Max Jobs in Flight 50 is accepted', async () => {
		const result = await runSora(sim, generateParameters({ maxJobsInFlight: 50, waitMode: 'none' }), prompts('one'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('SUBMITTED');
	});

	it('Timeout below 0.1 minutes is refused, naming the field', async () => {
		const result = await runSora(sim, generateParameters({ timeoutMinutes: 0.05 }), prompts('one'));
		expect(result.error?.message).toBe('Invalid "Timeout (Minutes)": must be a number of at least 0.1');
		expect(sim.counters().submitRequests).toBe(0);
	});
});
