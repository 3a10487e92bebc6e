import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { BUNDLE_FILES, BUNDLE_FORMAT, bundleFilesOf, onnxBackboneOf, validateBundleManifest } from './bundle-manifest.ts';

const sha = 'a'.repeat(64);
const good = {
  format: BUNDLE_FORMAT,
  name: 'test',
  dims: { C: 8, A: 7, H: 7, L: 8, K: 7, F: 32, k: 3 },
  actionNormalization: { kind: 'bounds', low: Array(7).fill(-1), high: Array(7).fill(1) },
  tokenizer: { variant: 'robust', layerScales: Array(8).fill(0.5), layerShifts: Array(8).fill(0) },
  backbone: { image: { height: 64, width: 64 }, instruction: { kind: 'hashed-words', vocabSize: 512, maxTokens: 16 } },
  files: Object.fromEntries(BUNDLE_FILES.map((f) => [f, { sha256: sha }])),
  provenance: { commit: 'abc' },
};

function subjectOf(value: unknown): string | undefined {
  try {
    validateBundleManifest(value, 'm.json');
  } catch (e) {
    if (HeadsError.isInstance(e)) return e.subject;
    throw e;
  }
  return undefined;
}

describe('validateBundleManifest', () => {
  it('accepts a complete manifest', () => {
    expect(validateBundleManifest(good)).toBe(good);
  });

  it('a continuous block lists continuous.onnx (the teacher head) after the five files; each without the other is refused by name', () => {
    const m = { ...good, continuous: { description: 'the teacher' }, files: { ...good.files, 'continuous.onnx': { sha256: sha } } };
    expect(bundleFilesOf(validateBundleManifest(m))).toEqual([...BUNDLE_FILES, 'continuous.onnx']);
    expect(bundleFilesOf(validateBundleManifest(good))).not.toContain('continuous.onnx');
    expect(subjectOf({ ...good, files: m.files })).toBe('m.json#files["continuous.onnx"]');
    expect(subjectOf({ ...good, continuous: m.continuous })).toBe('m.json#files["continuous.onnx"]');
    expect(subjectOf({ ...m, continuous: { description: '' } })).toBe('m.json#continuous.description');
  });

  it('accepts an execution block (open loop or temporal ensemble)', () => {
    for (const ensemble of ['none', 'temporal:0', 'temporal:0.1', 'temporal:2.5e-2']) {
      const m = { ...good, execution: { executeSteps: 1, ensemble, note: 'chosen by eval' } };
      expect(validateBundleManifest(m)).toBe(m);
    }
  });

  it('accepts a trainedOn record, and a manifest without one (old bundles)', () => {
    const m = { ...good, trainedOn: { env: 'embedded', suite: 'embedded_spatial', conventions: 'libero', note: 'rebased' } };
    expect(validateBundleManifest(m)).toBe(m);
    expect(validateBundleManifest(good).trainedOn).toBeUndefined();
  });

  it.each([
    [{ ...good, trainedOn: { env: 'embedded', suite: 'embedded_spatial', conventions: 'opencv' } }, 'm.json#trainedOn.conventions'],
    [{ ...good, trainedOn: { env: '', suite: 'embedded_spatial', conventions: 'libero' } }, 'm.json#trainedOn.env'],
    [{ ...good, trainedOn: 'embedded' }, 'm.json#trainedOn'],
  ])('names the bad trainedOn field (%#)', (value, subject) => {
    expect(subjectOf(value)).toBe(subject);
  });

  it.each([
    [{ ...good, format: 'rsd-bundle/0' }, 'm.json#format'],
    [{ ...good, dims: { ...good.dims, k: 9 } }, 'm.json#dims.k'],
    [{ ...good, dims: { ...good.dims, K: 1 } }, 'm.json#dims.K'],
    [{ ...good, actionNormalization: { ...good.actionNormalization, low: [0] } }, 'm.json#actionNormalization.low'],
    [{ ...good, actionNormalization: { ...good.actionNormalization, high: Array(7).fill(-1) } }, 'm.json#actionNormalization.high[0]'],
    [{ ...good, tokenizer: { ...good.tokenizer, layerScales: Array(8).fill(0) } }, 'm.json#tokenizer.layerScales'],
    [{ ...good, files: { ...good.files, 'main.onnx': { sha256: 'xyz' } } }, 'm.json#files["main.onnx"].sha256'],
    [{ ...good, files: { ...good.files, 'draft.onnx': undefined } }, 'm.json#files["draft.onnx"]'],
    [{ ...good, execution: { executeSteps: 9, ensemble: 'none' } }, 'm.json#execution.executeSteps'],
    [{ ...good, execution: { executeSteps: 1, ensemble: 'temporal:-1' } }, 'm.json#execution.ensemble'],
    [{ ...good, execution: { executeSteps: 1, ensemble: 'average' } }, 'm.json#execution.ensemble'],
  ])('names the bad field (%#)', (value, subject) => {
    expect(subjectOf(value)).toBe(subject);
  });

  describe('an external backbone (features from outside the bundle)', () => {
    const { 'backbone.onnx': _b, ...files } = good.files;
    void _b;
    const ext = { ...good, backbone: { kind: 'external' as const, provider: 'openvla:test', F: 32, image: { height: 256, width: 256 } }, files };

    it('is accepted without backbone.onnx; bundleFilesOf leaves it out', () => {
      expect(validateBundleManifest(ext)).toBe(ext);
      expect(bundleFilesOf(ext)).toEqual(['draft.onnx', 'main.onnx', 'rfsq_encoder.onnx', 'rfsq_decoder.onnx']);
      expect(bundleFilesOf({ ...ext, dims: { ...ext.dims, k: 0 } })).toEqual(['main.onnx', 'rfsq_encoder.onnx', 'rfsq_decoder.onnx']);
      expect(bundleFilesOf(validateBundleManifest(good))).toEqual([...BUNDLE_FILES]);
    });

    it('onnxBackboneOf names the provider', () => {
      expect(() => onnxBackboneOf(validateBundleManifest(ext), 'predict')).toThrowError(/predict needs backbone.onnx.*external.*openvla:test/);
      expect(onnxBackboneOf(validateBundleManifest(good), 'predict')).toBe(good.backbone);
    });

    it.each([
      [{ ...ext, backbone: { ...ext.backbone, F: 16 } }, 'm.json#backbone.F'],
      [{ ...ext, backbone: { ...ext.backbone, provider: '' } }, 'm.json#backbone.provider'],
      [{ ...ext, backbone: { ...ext.backbone, kind: 'remote' as string } }, 'm.json#backbone.kind'],
      [{ ...ext, backbone: { ...ext.backbone, image: { height: 0, width: 2 } } }, 'm.json#backbone.image.height'],
      [{ ...ext, files: good.files }, 'm.json#files["backbone.onnx"]'],
      [{ ...good, files }, 'm.json#files["backbone.onnx"]'],
    ])('names the bad field (%#)', (value, subject) => {
      expect(subjectOf(value)).toBe(subject);
    });
  });
});
