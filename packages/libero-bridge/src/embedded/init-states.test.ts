import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors/bridge-error.ts';
import { demoSeeds } from '../demos/collect-demos.ts';
import { drawInitState, fixedInitState, validationInitState, type InitState } from './init-states.ts';
import { GEOMETRY } from './scene-geometry.ts';
import type { Placement } from './spatial-layouts.ts';

type Shape = { kind: 'disk'; x: number; y: number; r: number } | { kind: 'rect'; x: number; y: number; yaw: number; hx: number; hy: number };

function boundary(s: Shape): [number, number][] {
  const pts: [number, number][] = [];
  if (s.kind === 'disk') {
    for (let i = 0; i < 48; i++) pts.push([s.x + s.r * Math.cos((2 * Math.PI * i) / 48), s.y + s.r * Math.sin((2 * Math.PI * i) / 48)]);
    return pts;
  }
  const c = Math.cos(s.yaw);
  const n = Math.sin(s.yaw);
  for (let i = 0; i <= 20; i++) {
    const t = -1 + i / 10;
    for (const [u, v] of [[t * s.hx, s.hy], [t * s.hx, -s.hy], [s.hx, t * s.hy], [-s.hx, t * s.hy]] as const) {
      pts.push([s.x + c * u - n * v, s.y + n * u + c * v]);
    }
  }
  return pts;
}

/** Distance from a point to a shape, negative inside. */
function signed(s: Shape, x: number, y: number): number {
  if (s.kind === 'disk') return Math.hypot(x - s.x, y - s.y) - s.r;
  const c = Math.cos(s.yaw);
  const n = Math.sin(s.yaw);
  const lx = Math.abs(c * (x - s.x) + n * (y - s.y)) - s.hx;
  const ly = Math.abs(-n * (x - s.x) + c * (y - s.y)) - s.hy;
  return lx > 0 || ly > 0 ? Math.hypot(Math.max(lx, 0), Math.max(ly, 0)) : Math.max(lx, ly);
}

function clearance(a: Shape, b: Shape): number {
  let d = Infinity;
  for (const [x, y] of boundary(a)) d = Math.min(d, signed(b, x, y));
  for (const [x, y] of boundary(b)) d = Math.min(d, signed(a, x, y));
  return d;
}

const disk = (p: { x: number; y: number }, r: number): Shape => ({ kind: 'disk', x: p.x, y: p.y, r });
const rect = (p: Placement, hx: number, hy: number, dx = 0): Shape => ({ kind: 'rect', x: p.x + dx, y: p.y, yaw: p.yaw, hx, hy });

function tableShapes(s: InitState): Record<string, Shape> {
  const c = GEOMETRY.cabinet;
  const shapes: Record<string, Shape> = {
    otherBowl: disk(s.otherBowl, GEOMETRY.bowl.outerRadius),
    plate: disk(s.plate, GEOMETRY.plate.radius),
    ramekin: disk(s.ramekin, GEOMETRY.ramekin.radius),
    cookieBox: rect(s.cookieBox, GEOMETRY.cookieBox.halfX, GEOMETRY.cookieBox.halfY),
    stove: rect(s.stove, GEOMETRY.stove.halfX, GEOMETRY.stove.halfY),
    cabinet: rect(s.cabinet, c.halfX + s.drawerOpen / 2, c.halfY, s.drawerOpen / 2),
  };
  if (s.targetBowl.z === 0) shapes.targetBowl = disk(s.targetBowl, GEOMETRY.bowl.outerRadius);
  return shapes;
}

describe('initial states', () => {
  it('are a pure function of (task, index) and differ between indices', () => {
    expect(fixedInitState(3, 17)).toEqual(fixedInitState(3, 17));
    expect(fixedInitState(3, 17)).not.toEqual(fixedInitState(3, 18));
    expect(drawInitState(3, 17)).toEqual(drawInitState(3, 17));
  });

  it('keeps training draws apart from the evaluation states', () => {
    const evalBowls = new Set(Array.from({ length: 50 }, (_, i) => fixedInitState(0, i).targetBowl.x));
    for (let seed = 0; seed < 200; seed++) expect(evalBowls.has(drawInitState(0, seed).targetBowl.x)).toBe(false);
  });

  it('keeps the validation states apart from the evaluation states and the demo stream (seed 0, first 500 demos)', () => {
    for (let task = 0; task < 10; task++) {
      const taken = new Set([
        ...Array.from({ length: 50 }, (_, i) => fixedInitState(task, i).targetBowl.x),
        ...Array.from({ length: 500 }, (_, k) => drawInitState(task, demoSeeds(0, task, k).trainSeed).targetBowl.x),
      ]);
      for (let i = 0; i < 50; i++) expect(taken.has(validationInitState(task, i).targetBowl.x)).toBe(false);
    }
    expect(validationInitState(4, 7)).toEqual(validationInitState(4, 7));
    expect(() => validationInitState(0, 50)).toThrow(/validation states 0\.\.49, got 50/);
  });

  it('never overlaps two objects standing on the table in any of the 500 fixed states', () => {
    let worst = Infinity;
    for (let task = 0; task < 10; task++) {
      for (let i = 0; i < 50; i++) {
        const shapes = Object.entries(tableShapes(fixedInitState(task, i)));
        for (let a = 0; a < shapes.length; a++) {
          for (let b = a + 1; b < shapes.length; b++) {
            const d = clearance(shapes[a]![1], shapes[b]![1]);
            if (d < 0.012) expect.fail(`task ${task} init ${i}: ${shapes[a]![0]} and ${shapes[b]![0]} are ${d.toFixed(3)} m apart`);
            worst = Math.min(worst, d);
          }
        }
      }
    }
    expect(worst).toBeGreaterThan(0.012);
  });

  it('puts the target bowl on its support in the support tasks', () => {
    for (let i = 0; i < 50; i++) {
      const onBox = fixedInitState(3, i);
      expect(signed(rect(onBox.cookieBox, GEOMETRY.cookieBox.halfX, GEOMETRY.cookieBox.halfY), onBox.targetBowl.x, onBox.targetBowl.y)).toBeLessThan(-0.03);
      expect(onBox.targetBowl.z).toBe(GEOMETRY.cookieBox.height);
      const onRamekin = fixedInitState(5, i);
      expect(Math.hypot(onRamekin.targetBowl.x - onRamekin.ramekin.x, onRamekin.targetBowl.y - onRamekin.ramekin.y)).toBeLessThan(0.005);
      const inDrawer = fixedInitState(4, i);
      expect(inDrawer.drawerOpen).toBeGreaterThan(0.1);
      expect(fixedInitState(9, i).targetBowl.z).toBe(GEOMETRY.cabinet.height);
    }
  });

  it('rejects unknown tasks and initial states with their codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return BridgeError.isInstance(e) ? e.code : String(e);
      }
      return 'no error';
    };
    expect(code(() => fixedInitState(10, 0))).toBe('UNKNOWN_TASK');
    expect(code(() => fixedInitState(0.5, 0))).toBe('UNKNOWN_TASK');
    expect(code(() => fixedInitState(0, 50))).toBe('UNKNOWN_INIT_STATE');
    expect(code(() => fixedInitState(0, -1))).toBe('UNKNOWN_INIT_STATE');
    expect(() => drawInitState(0, -1)).toThrow(RangeError);
  });
});
