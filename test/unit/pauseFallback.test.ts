/**
 * pause() on n8n 2.x, whose n8n-workflow has no sleepWithAbort: an abort ends the wait at once,
 * not at the end of a slice (on 2.41.1 a released lane used to wait up to 250 ms more).
 */
import type * as Backoff from '../../nodes/shared/backoff';

function backoffWithoutSleepWithAbort(): typeof Backoff {
	let loaded: typeof Backoff | undefined;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleepWithAbort: undefined }));
		loaded = jest.requireActual<typeof Backoff>('../../nodes/shared/backoff');
	});
	return loaded!;
}

describe('pause() without n8n-workflow sleepWithAbort (n8n 2.x)', () => {
	const { pause, CancelledError } = backoffWithoutSleepWithAbort();

	it('an abort during a long wait ends it with CancelledError at once, with no timer having fired', async () => {
		jest.useFakeTimers();
		try {
			const controller = new AbortController();
			let outcome: unknown;
			const waiting = pause(60_000, controller.signal).then(
				() => 'resolved',
				(error: unknown) => error,
			);
			void waiting.then((value) => (outcome = value));
			controller.abort();
			// no timer advanced: only the abort can have ended the wait
			for (let i = 0; i < 10; i++) await Promise.resolve();
			expect(outcome).toBeInstanceOf(CancelledError);
		} finally {
			jest.useRealTimers();
		}
	});

	it('without an abort it waits the whole time, across slices', async () => {
		const startedAt = Date.now();
		await pause(1300, new AbortController().signal);
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1290);
		await expect(pause(5)).resolves.toBeUndefined();
	});

	it('an already aborted signal throws at once', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(pause(10_000, controller.signal)).rejects.toBeInstanceOf(CancelledError);
	});
});
