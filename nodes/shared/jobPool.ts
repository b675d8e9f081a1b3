/**
 * Runs `worker(index)` for indices 0…count-1 with at most `limit` running at once, starting the
 * next as soon as one finishes. `shouldStartNext` lets the caller stop starting new work.
 */
export async function runPool(
	count: number,
	limit: number,
	worker: (index: number) => Promise<void>,
	shouldStartNext: () => boolean = () => true,
): Promise<void> {
	let next = 0;
	const lane = async (): Promise<void> => {
		while (next < count && shouldStartNext()) {
			const index = next++;
			await worker(index);
		}
	};
	const lanes = Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane);
	await Promise.all(lanes);
}
