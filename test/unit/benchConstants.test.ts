/**
 * The benchmark's limit for Don't Wait + Sora Trigger (scripts/bench/lib/limits.js) is built from
 * two of the node's constants; a change to either must change the limit too.
 */
import { QUEUE_FULL_RETRY_MS } from '../../nodes/shared/backoff';
import { CLAIM_TIMING } from '../../nodes/SoraGenerateTrigger/claimOnce';

const { DONT_WAIT } = require('../../scripts/bench/lib/limits') as { DONT_WAIT: { retryMs: number; claimSettleMs: number } };

describe("the bench's Don't Wait limit", () => {
	it('uses the queue-full retry interval and the claim settle time the nodes use', () => {
		expect(DONT_WAIT).toEqual({ retryMs: QUEUE_FULL_RETRY_MS, claimSettleMs: CLAIM_TIMING.settleMs });
	});
});
