/**
 * Wire typing in the engine (toWireType / normaliseValue): what Bybit types
 * as integer goes out as a JSON number, boolean as true/false, and anything
 * that is neither is refused naming the field, never sent as text.
 */
import fc from 'fast-check';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normaliseValue, toWireType } from '../../../../nodes/Bybit/actions/engine';
import { POSITION_IDX, WIRE_TYPES } from '../../../../nodes/Bybit/actions/fields';
import { ALL_SPECS } from '../../../../nodes/Bybit/actions/index';

const ctx = { getNode: () => ({ name: 'Bybit', type: 'bybit', typeVersion: 1, position: [0, 0], parameters: {} }) } as unknown as IExecuteFunctions;

describe('integer fields', () => {
	it('any safe integer, as a number or its text, goes out as that number', () => {
		fc.assert(
			fc.property(fc.constantFrom(...Object.keys(WIRE_TYPES).filter((k) => WIRE_TYPES[k] === 'integer')), fc.maxSafeInteger(), fc.boolean(), (name, n, asText) => {
				expect(normaliseValue(ctx, 0, name, asText ? String(n) : n)).toBe(n);
			}),
			{ numRuns: 500 },
		);
	});

	it('refuses fractions and non-numeric text, naming the field', () => {
		fc.assert(
			fc.property(fc.oneof(fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)), fc.string().filter((t) => t.trim() !== '' && !/^\s*-?\d+\s*$/.test(t))), (value) => {
				expect(() => normaliseValue(ctx, 0, 'positionIdx', value)).toThrow(/"positionIdx" must be a whole number/);
			}),
			{ numRuns: 500 },
		);
	});

	it('keeps an options field\'s symbolic values (positionIdx Auto) for the engine to resolve', () => {
		expect(normaliseValue(ctx, 0, 'positionIdx', 'auto', 'integer', POSITION_IDX)).toBe('auto');
		expect(normaliseValue(ctx, 0, 'positionIdx', '2', 'integer', POSITION_IDX)).toBe(2);
		expect(() => normaliseValue(ctx, 0, 'positionIdx', 'auto')).toThrow(/whole number/);
	});
});

describe('boolean, object and JSON-text fields', () => {
	it('booleans from switches or expression text', () => {
		expect(normaliseValue(ctx, 0, 'reduceOnly', 'true')).toBe(true);
		expect(normaliseValue(ctx, 0, 'reduceOnly', false)).toBe(false);
		expect(() => normaliseValue(ctx, 0, 'reduceOnly', 'yes')).toThrow(/"reduceOnly" must be true or false/);
	});

	it('objects and JSON text', () => {
		expect(normaliseValue(ctx, 0, 'beneficiary', '{"beneficiaryName":"A"}')).toEqual({ beneficiaryName: 'A' });
		expect(normaliseValue(ctx, 0, 'questionnaire', { a: 1 })).toBe('{"a":1}');
		expect(() => normaliseValue(ctx, 0, 'beneficiary', '[1]')).toThrow(/"beneficiary" must be a JSON object/);
		expect(() => normaliseValue(ctx, 0, 'questionnaire', '{oops')).toThrow(/"questionnaire" is not valid JSON/);
	});

	it('a spec override turns a default-integer name back into text, or the reverse', () => {
		expect(toWireType(ctx, 0, 'toMemberId', '900001', 'integer')).toBe(900001);
		expect(toWireType(ctx, 0, 'bboLevel', 2, 'string')).toBe('2');
	});
});

describe('every integer/boolean parameter of every spec has a wire type', () => {
	// an options parameter whose values are numbers, or a switch, is a Bybit integer/boolean field: it must be typed so text never reaches the wire
	// node settings, never sent to Bybit
	const CONTROL = new Set(['returnAll', 'limit', 'simplify', 'dryRun', 'roundPrices', 'maxAlertAge', 'paginate']); // node behaviour, never sent to Bybit
	const typed = (spec: (typeof ALL_SPECS)[number], name: string) => spec.wireTypes?.[name] ?? WIRE_TYPES[name];
	const numericOptions = (f: INodeProperties) => f.type === 'options' && ((f.options ?? []) as Array<{ value: unknown }>).some((o) => typeof o.value === 'number' || /^\d+$/.test(String(o.value)));
	it.each(ALL_SPECS.map((s) => [`${s.resource}.${s.operation}`, s] as const))('%s', (_n, spec) => {
		const fields = spec.fields.flatMap((f) => (f.type === 'collection' ? ((f.options ?? []) as INodeProperties[]) : [f]));
		const untyped = fields.filter((f) => !CONTROL.has(f.name) && (f.type === 'boolean' || numericOptions(f) || f.type === 'number') && !typed(spec, f.name));
		expect(untyped.map((f) => f.name)).toEqual([]);
	});
});
