/**
 * claimOnce against a record that behaves like n8n's processed-data row: each call reads the
 * whole list, and a moment later writes back what it read plus its own values (so a write based
 * on an older read drops what others wrote in between). Virtual time (jest fake timers), random
 * but seeded delays: many interleavings of concurrent duplicates and unrelated writers.
 */
import type { ClaimOutcome, ClaimTiming, ProcessedRecord } from '../../nodes/SoraGenerateTrigger/claimOnce';
import { claimOnce } from '../../nodes/SoraGenerateTrigger/claimOnce';

/** Small seeded PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Read, wait up to `maxWriteMs`, write back the read copy plus the values. */
class ReadThenWriteRecord implements ProcessedRecord {
	list: string[] = [];
	calls = 0;
	constructor(
		private readonly rand: () => number,
		private readonly maxWriteMs: number,
		private readonly failFirst = 0,
		private readonly minWriteMs = 0,
	) {}

	async checkAndRecord(values: string[]): Promise<Set<string>> {
		this.calls++;
		await sleep(Math.floor(this.rand() * 5));
		if (this.failFirst > 0 && this.calls <= this.failFirst) throw new Error('duplicate key value violates unique constraint');
		const read = [...this.list];
		await sleep(this.minWriteMs + Math.floor(this.rand() * (this.maxWriteMs - this.minWriteMs)));
		this.list = [...read, ...values.filter((value) => !read.includes(value))];
		return new Set(values.filter((value) => read.includes(value)));
	}
}

const timing = (settleMs: number, rand: () => number = random(99)): ClaimTiming => ({ settleMs, rounds: 3, attempts: 3, retryMs: 300, callTimeoutMs: 1000, sleep, random: rand, now: Date.now });

interface Race {
	duplicates: ClaimOutcome['outcome'][];
	others: ClaimOutcome['outcome'][];
	/** Calls beyond the two (claim, look again) each claimant needs at least: claims made again. */
	extraCalls: number;
}

/** 2–4 executions claim the same key and 0–6 claim other keys, all at about the same moment. */
async function race(seed: number, settleMs: number, maxWriteMs = 20, minWriteMs = 0): Promise<Race> {
	const rand = random(seed);
	const store = new ReadThenWriteRecord(rand, maxWriteMs, 0, minWriteMs);
	const start = async (key: string, claimant: string, atMs: number) => {
		await sleep(atMs);
		return (await claimOnce(store, key, claimant, timing(settleMs, rand))).outcome;
	};
	const duplicates = Array.from({ length: 2 + Math.floor(rand() * 3) }, (_, i) => start('job-1:SUCCESS', `d${i}`, Math.floor(rand() * 40)));
	const others = Array.from({ length: Math.floor(rand() * 7) }, (_, i) => start(`job-${i + 2}:SUCCESS`, `o${i}`, Math.floor(rand() * 60)));
	const all = Promise.all([Promise.all(duplicates), Promise.all(others)]);
	await jest.advanceTimersByTimeAsync(60_000);
	const [d, o] = await all;
	const observers = d.filter((outcome) => outcome === 'duplicate').length;
	return { duplicates: d, others: o, extraCalls: store.calls - 2 * (d.length + o.length) + observers };
}

describe('claimOnce', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('one call: first; the same key later: duplicate', async () => {
		const store = new ReadThenWriteRecord(random(1), 10);
		const first = claimOnce(store, 'job:SUCCESS', 'e1', timing(1000));
		await jest.advanceTimersByTimeAsync(10_000);
		const later = claimOnce(store, 'job:SUCCESS', 'e2', timing(1000));
		await jest.advanceTimersByTimeAsync(10_000);
		expect([(await first).outcome, (await later).outcome]).toEqual(['first', 'duplicate']);
	});

	it('another status of the same job is another key', async () => {
		const store = new ReadThenWriteRecord(random(2), 10);
		const failed = claimOnce(store, 'job:FAILED', 'e1', timing(1000));
		await jest.advanceTimersByTimeAsync(10_000);
		const succeeded = claimOnce(store, 'job:SUCCESS', 'e2', timing(1000));
		await jest.advanceTimersByTimeAsync(10_000);
		expect([(await failed).outcome, (await succeeded).outcome]).toEqual(['first', 'first']);
	});

	it('concurrent duplicates among unrelated writers, 400 interleavings: exactly one goes on, no other job is stopped', async () => {
		let reclaimed = 0;
		for (let seed = 1; seed <= 400; seed++) {
			const { duplicates, others, extraCalls } = await race(seed, 1000);
			const firsts = duplicates.filter((outcome) => outcome === 'first').length;
			if (firsts !== 1 || others.some((outcome) => outcome !== 'first')) {
				throw new Error(`seed ${seed}: duplicates ${JSON.stringify(duplicates)}, others ${JSON.stringify(others)}`);
			}
			if (extraCalls > 0) reclaimed++;
		}
		// Some races had a write based on an older copy wipe a claim: the path that claims again ran.
		expect(reclaimed).toBeGreaterThan(0);
	}, 60_000);

	it('the same races with a single check-and-record (what Remove Duplicates does) let duplicates through', async () => {
		// Shows the races above are real: without settling, some of them start two executions.
		let doubled = 0;
		for (let seed = 1; seed <= 200; seed++) {
			const rand = random(seed);
			const store = new ReadThenWriteRecord(rand, 20);
			const once = async (atMs: number) => {
				await sleep(atMs);
				return !(await store.checkAndRecord(['job-1:SUCCESS'])).has('job-1:SUCCESS');
			};
			const runs = Promise.all([once(Math.floor(rand() * 10)), once(Math.floor(rand() * 10))]);
			await jest.advanceTimersByTimeAsync(1000);
			if ((await runs).every(Boolean)) doubled++;
		}
		expect(doubled).toBeGreaterThan(20);
	}, 60_000);

	it('when a read-then-write takes longer than the settle time, it errs towards a second execution, not none', async () => {
		let none = 0;
		let twice = 0;
		for (let seed = 1; seed <= 200; seed++) {
			const { duplicates, others } = await race(seed, 10, 40);
			const firsts = duplicates.filter((outcome) => outcome === 'first').length;
			if (firsts === 0 || others.some((outcome) => outcome !== 'first')) none++;
			if (firsts > 1) twice++;
		}
		expect(twice).toBeGreaterThan(0);
		expect(none).toBe(0);
	}, 60_000);

	it('a slow database (every write 0.3–0.6 s, the settle time 0.1 s): the wait grows with the calls it sees', async () => {
		let twice = 0;
		for (let seed = 1; seed <= 100; seed++) {
			const { duplicates, others } = await race(seed, 100, 600, 300);
			const firsts = duplicates.filter((outcome) => outcome === 'first').length;
			if (firsts === 0 || others.some((outcome) => outcome !== 'first')) throw new Error(`seed ${seed}: a job without an execution`);
			if (firsts > 1) twice++;
		}
		expect(twice).toBeLessThan(10);
	}, 60_000);

	it('a record that cannot be written at first (two first inserts at once) is tried again', async () => {
		const store = new ReadThenWriteRecord(random(3), 10, 1);
		const claim = claimOnce(store, 'job:SUCCESS', 'e1', timing(1000));
		await jest.advanceTimersByTimeAsync(10_000);
		expect((await claim).outcome).toBe('first');
	});

	it('a record that keeps failing: unchecked, with the error, so the execution goes on', async () => {
		const store = new ReadThenWriteRecord(random(4), 10, 99);
		const claim = claimOnce(store, 'job:SUCCESS', 'e1', timing(1000));
		await jest.advanceTimersByTimeAsync(10_000);
		expect(await claim).toEqual({ outcome: 'unchecked', error: 'duplicate key value violates unique constraint' });
		expect(store.calls).toBe(3);
	});

	it('a database that does not answer: unchecked after the call timeout, without asking again, so the execution goes on', async () => {
		let calls = 0;
		const hanging: ProcessedRecord = {
			async checkAndRecord() {
				calls++;
				return await new Promise<Set<string>>(() => undefined);
			},
		};
		let outcome: ClaimOutcome | undefined;
		const claim = claimOnce(hanging, 'job:SUCCESS', 'e1', timing(1000)).then((o) => (outcome = o));
		await jest.advanceTimersByTimeAsync(999);
		expect(outcome).toBeUndefined();
		await jest.advanceTimersByTimeAsync(1);
		await claim;
		expect(outcome).toEqual({ outcome: 'unchecked', error: "n8n's database did not answer within 1 s" });
		expect(calls).toBe(1);
	});

	it('a call that answers within the timeout is used as it is', async () => {
		const slow = new ReadThenWriteRecord(random(5), 900, 0, 800);
		const claim = claimOnce(slow, 'job:SUCCESS', 'e1', timing(100));
		await jest.advanceTimersByTimeAsync(200_000);
		expect((await claim).outcome).toBe('first');
		const again = claimOnce(slow, 'job:SUCCESS', 'e2', timing(100));
		await jest.advanceTimersByTimeAsync(200_000);
		expect((await again).outcome).toBe('duplicate');
	});
});
