/**
 * The slots of one rate-limit window. A slot is taken before its request is sent and dated again
 * once Bybit has counted it (`settle`); until then its request is in flight and the slot never
 * leaves the window, however long the flight: a request held up before it reaches Bybit (a worker
 * fetching its credential from a busy database, a slow network) would otherwise free its slot
 * before it is even counted, and the next one could land in the same second. (The IP budget in
 * ipBudget.ts counts its requests the same way: in flight, then answered.)
 */

/** A slot whose request never settles (a bug, a lost promise) leaves after this long, so a bucket cannot lock up. */
const MAX_FLIGHT_MS = 60_000;

export class Slots {
	/** When each request still in flight took its slot, oldest first. */
	private flying: number[] = [];
	/** When Bybit counted each settled request, oldest first. */
	private counted: number[] = [];

	get length(): number {
		return this.flying.length + this.counted.length;
	}

	/**
	 * The i-th oldest slot's date: when it was counted or, in flight, when it was taken (it will be
	 * counted later, so its window cannot end sooner than one window after that).
	 */
	at(i: number): number {
		let f = 0;
		let c = 0;
		for (;;) {
			const fromFlying = c >= this.counted.length || (f < this.flying.length && this.flying[f] < this.counted[c]);
			const date = fromFlying ? this.flying[f++] : this.counted[c++];
			if (i-- === 0) return date;
		}
	}

	take(now: number, count: number): void {
		for (let i = 0; i < count; i++) this.flying.push(now);
	}

	/** Drops the counted slots dated at or before `cutoff`, and slots in flight for MAX_FLIGHT_MS. */
	expire(cutoff: number, now: number): void {
		let n = 0;
		while (n < this.counted.length && this.counted[n] <= cutoff) n++;
		if (n) this.counted.splice(0, n);
		if (this.flying.some((taken) => now - taken >= MAX_FLIGHT_MS)) this.flying = this.flying.filter((taken) => now - taken < MAX_FLIGHT_MS);
	}

	/** Marks `count` slots taken at `taken` as counted at `to`; a reservation it does not hold moves nothing. */
	settle(taken: number, to: number, count: number): void {
		let moved = 0;
		for (let i = this.flying.length - 1; i >= 0 && moved < count; i--) {
			if (this.flying[i] !== taken) continue;
			this.flying.splice(i, 1);
			moved++;
		}
		if (!moved) return;
		let at = this.counted.length;
		while (at > 0 && this.counted[at - 1] > to) at--;
		this.counted.splice(at, 0, ...Array<number>(moved).fill(to));
	}
}
