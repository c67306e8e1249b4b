/** Seeded randomness and Bybit-shaped identifiers (deterministic for a given seed). */

export class Rng {
	private state: number;
	constructor(seed: number) {
		this.state = seed >>> 0 || 0x9e3779b9;
	}
	/** mulberry32: uniform in [0, 1). */
	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}
	hex(length: number): string {
		let s = '';
		while (s.length < length) s += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
		return s.slice(0, length);
	}
	alnum(length: number): string {
		const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
		let s = '';
		for (let i = 0; i < length; i++) s += chars[this.int(chars.length)];
		return s;
	}
}

/** A stable hash of a string into [0, 1) (for deterministic synthetic data). */
export function hash01(text: string, seed = 0): number {
	let h = (2166136261 ^ seed) >>> 0;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 16777619) >>> 0;
	}
	h ^= h >>> 13;
	h = Math.imul(h, 0x5bd1e995) >>> 0;
	h ^= h >>> 15;
	return (h >>> 0) / 4294967296;
}

export class Ids {
	private numeric = 1_700_000_000_000_000_000n;
	private conn = 0;
	constructor(private readonly rng: Rng) {
		this.numeric += BigInt(rng.int(1_000_000_000)) * 1000n;
	}
	/** UUID v4-shaped id (derivatives orderId, execId). */
	uuid(): string {
		const h = this.rng.hex(32);
		const variant = '89ab'[this.rng.int(4)];
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
	}
	/** 19-digit numeric id (spot orderId, execId). */
	numericId(): string {
		this.numeric += BigInt(1 + this.rng.int(97));
		return this.numeric.toString();
	}
	/** WebSocket conn_id like "cejreaspqfh3sjdnldmg-p". */
	connId(): string {
		this.conn += 1;
		return `${this.rng.alnum(20)}-${this.conn.toString(36)}`;
	}
	private burstMsg = 0;
	private burstPrefix = '';
	/** Cheap unique message id for bursts. */
	burstMessageId(): string {
		if (!this.burstPrefix) this.burstPrefix = this.rng.hex(8);
		this.burstMsg += 1;
		return `${this.burstPrefix}b-${this.burstMsg.toString(16)}`;
	}

	/** Push message id. */
	messageId(): string {
		return `${this.rng.int(1e9)}${this.uuid()}`;
	}
}
