import type { DoubleBuffer, IntBuffer } from 'mujoco';
import type { DepthImage, RgbImage } from '../libero-env.ts';
import { COLLISION_ONLY_GROUP } from './scene-xml.ts';
import type { Simulation } from './simulation.ts';

/** Direction towards the key light (world frame, normalised below), and shading weights. */
const LIGHT = normalise([0.35, 0.25, 1]);
const AMBIENT = 0.32;
const DIFFUSE = 0.5;
const HEADLIGHT = 0.18;
const BACKGROUND = [0.55, 0.6, 0.68] as const;
const MAX_DISTANCE = 10;

function normalise(v: readonly number[]): [number, number, number] {
  const n = Math.hypot(v[0] ?? 0, v[1] ?? 0, v[2] ?? 0);
  return [(v[0] ?? 0) / n, (v[1] ?? 0) / n, (v[2] ?? 0) / n];
}

export interface RayCameraOptions {
  /** Camera id in the model (`mj_name2id(m, mjOBJ_CAMERA, name)`). */
  readonly cameraId: number;
  readonly width: number;
  readonly height: number;
  /** A body whose geoms rays pass through (−1: none), e.g. the hand carrying a wrist camera. */
  readonly excludeBody?: number;
}

/**
 * A camera without OpenGL: one `mj_multiRay` per frame from the MuJoCo camera's pose, shaded by
 * `geom_rgba` × (ambient + Lambert to a key light + a headlight). Images are upright (row 0 =
 * top); depth is metres along the optical axis, +Infinity where a ray hits nothing.
 * Field of view is the camera's `fovy`; pixels are square.
 */
export class RayCamera {
  readonly width: number;
  readonly height: number;
  private readonly sim: Simulation;
  private readonly cameraId: number;
  private readonly excludeBody: number;
  /** Per pixel: unit direction in the camera frame (x right, y up, −z forward), float64 [N, 3]. */
  private readonly local: Float64Array;
  /** Per pixel: cosine between the ray and the optical axis, float64 [N]. */
  private readonly axial: Float64Array;
  private readonly world: number[];
  private readonly geomId: IntBuffer;
  private readonly dist: DoubleBuffer;
  private readonly normal: DoubleBuffer;
  private readonly groups: number[];

  constructor(sim: Simulation, options: RayCameraOptions) {
    const { width, height } = options;
    if (!Number.isInteger(width) || width < 1 || width > 2048) throw new RangeError(`width must be an integer in [1, 2048], got ${width}`);
    if (!Number.isInteger(height) || height < 1 || height > 2048) throw new RangeError(`height must be an integer in [1, 2048], got ${height}`);
    this.sim = sim;
    this.width = width;
    this.height = height;
    this.cameraId = options.cameraId;
    this.excludeBody = options.excludeBody ?? -1;
    const n = width * height;
    const fovy = ((sim.model.cam_fovy[this.cameraId] ?? 45) * Math.PI) / 180;
    const ty = Math.tan(fovy / 2);
    const tx = (ty * width) / height;
    this.local = new Float64Array(3 * n);
    this.axial = new Float64Array(n);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const i = r * width + c;
        const x = ((2 * (c + 0.5)) / width - 1) * tx;
        const y = (1 - (2 * (r + 0.5)) / height) * ty;
        const len = Math.hypot(x, y, 1);
        this.local[3 * i] = x / len;
        this.local[3 * i + 1] = y / len;
        this.local[3 * i + 2] = -1 / len;
        this.axial[i] = 1 / len;
      }
    }
    this.world = new Array<number>(3 * n).fill(0);
    this.geomId = sim.intBuffer(n);
    this.dist = sim.doubleBuffer(n);
    this.normal = sim.doubleBuffer(3 * n);
    this.groups = [1, 1, 1, 1, 1, 1];
    this.groups[COLLISION_ONLY_GROUP] = 0;
  }

  /** Casts every pixel's ray against the current `data` (call after mj_forward). */
  private cast(): { origin: [number, number, number] } {
    const { mj, model, data } = this.sim;
    const pos = data.cam_xpos;
    const mat = data.cam_xmat;
    const o = 3 * this.cameraId;
    const k = 9 * this.cameraId;
    const origin: [number, number, number] = [pos[o] ?? 0, pos[o + 1] ?? 0, pos[o + 2] ?? 0];
    const m = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => mat[k + j] ?? 0);
    const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0, m8 = 0] = m;
    const n = this.width * this.height;
    const l = this.local;
    const w = this.world;
    for (let i = 0; i < n; i++) {
      const x = l[3 * i] ?? 0;
      const y = l[3 * i + 1] ?? 0;
      const z = l[3 * i + 2] ?? 0;
      w[3 * i] = m0 * x + m1 * y + m2 * z;
      w[3 * i + 1] = m3 * x + m4 * y + m5 * z;
      w[3 * i + 2] = m6 * x + m7 * y + m8 * z;
    }
    mj.mj_multiRay(model, data, origin, w, this.groups, 1, this.excludeBody, this.geomId, this.dist, this.normal, n, MAX_DISTANCE);
    return { origin };
  }

  /** Renders RGB: uint8 [height, width, 3], row 0 = top. With `depth`, also fills depth float32 [height, width]. */
  render(withDepth = false): { rgb: RgbImage; depth?: DepthImage } {
    this.cast();
    const n = this.width * this.height;
    const rgba = this.sim.model.geom_rgba;
    const ids = this.geomId.GetView() as Int32Array;
    const dist = this.dist.GetView() as Float64Array;
    const nor = this.normal.GetView() as Float64Array;
    const out = new Uint8Array(3 * n);
    const depth = withDepth ? new Float32Array(n) : undefined;
    const w = this.world;
    for (let i = 0; i < n; i++) {
      const g = ids[i] ?? -1;
      if (g < 0) {
        out[3 * i] = Math.round(255 * BACKGROUND[0]);
        out[3 * i + 1] = Math.round(255 * BACKGROUND[1]);
        out[3 * i + 2] = Math.round(255 * BACKGROUND[2]);
        if (depth) depth[i] = Number.POSITIVE_INFINITY;
        continue;
      }
      const dx = w[3 * i] ?? 0;
      const dy = w[3 * i + 1] ?? 0;
      const dz = w[3 * i + 2] ?? 0;
      let nx = nor[3 * i] ?? 0;
      let ny = nor[3 * i + 1] ?? 0;
      let nz = nor[3 * i + 2] ?? 0;
      if (nx * dx + ny * dy + nz * dz > 0) {
        nx = -nx;
        ny = -ny;
        nz = -nz;
      }
      const lambert = Math.max(0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]);
      const head = Math.max(0, -(nx * dx + ny * dy + nz * dz));
      const shade = AMBIENT + DIFFUSE * lambert + HEADLIGHT * head;
      for (let ch = 0; ch < 3; ch++) {
        const v = (rgba[4 * g + ch] ?? 0) * shade;
        out[3 * i + ch] = Math.min(255, Math.round(255 * v));
      }
      if (depth) depth[i] = (dist[i] ?? 0) * (this.axial[i] ?? 1);
    }
    const rgb: RgbImage = { width: this.width, height: this.height, data: out };
    return depth ? { rgb, depth: { width: this.width, height: this.height, data: depth } } : { rgb };
  }
}
