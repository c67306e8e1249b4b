/** The most events any sliding window of `windowMs` holds (times in ms; a window covers [t, t + windowMs)). */
export function busiestWindow(times: number[], windowMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= windowMs) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
}
