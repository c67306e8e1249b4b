/**
 * The slots of one rate-limit window, oldest first. A slot is taken before its request is sent and
 * dated again once Bybit has counted it (`settle`); until then its request is in flight and the
 * slot never leaves the window, however long the flight: a request held up before it reaches
 * Bybit (a worker fetching its credential from a busy database, a slow network) would otherwise
 * free its slot before it is even counted, and the next one could land in the same second.
 */

/** A slot whose request never settles (a bug, a lost promise) leaves after this long, so a bucket cannot lock up. */
const MAX_FLIGHT_MS = 60_000;

export class Slots {
	private dates: number[] = [];
	/** Slots in flight by the date they were taken (several can share a millisecond). */
	private flying = new Map<number, number>();

	get length(): number {
		return this.dates.length;
	}

	/** The i-th oldest slot's date. */
	at(i: number): number {
		return this.dates[i];
	}

	take(now: number, count: number): void {
		for (let i = 0; i < count; i++) this.dates.push(now);
		this.flying.set(now, (this.flying.get(now) ?? 0) + count);
	}

	/** Drops the slots dated at or before `cutoff`, except those still in flight (for less than MAX_FLIGHT_MS). */
	expire(cutoff: number, now: number): void {
		let n = 0;
		const kept: number[] = [];
		// as many slots of a date stay as are in flight; equal dates sit side by side
		let date = Number.NaN;
		let keep = 0;
		for (; n < this.dates.length && this.dates[n] <= cutoff; n++) {
			if (this.dates[n] !== date) {
				date = this.dates[n];
				keep = this.flying.get(date) ?? 0;
				if (keep && now - date >= MAX_FLIGHT_MS) {
					this.flying.delete(date);
					keep = 0;
				}
			}
			if (keep > 0) {
				kept.push(date);
				keep--;
			}
		}
		if (n) this.dates.splice(0, n, ...kept);
	}

	/** Re-dates `count` slots taken at `taken` to `to`; they are no longer in flight. */
	settle(taken: number, to: number, count: number): void {
		const flying = this.flying.get(taken) ?? 0;
		const moving = Math.min(count, flying);
		if (!moving) return;
		if (flying > moving) this.flying.set(taken, flying - moving);
		else this.flying.delete(taken);
		let moved = 0;
		for (let i = 0; i < this.dates.length && moved < moving; i++) {
			if (this.dates[i] === taken) {
				this.dates[i] = to;
				moved++;
			}
		}
		this.dates.sort((a, b) => a - b);
	}
}
