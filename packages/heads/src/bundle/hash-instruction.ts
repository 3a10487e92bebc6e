/**
 * Turns an instruction into the backbone's word ids, identically at training and inference:
 * lower-case, split on anything that is not a letter or digit, each word hashed with 32-bit
 * FNV-1a into [1, vocabSize) (0 is padding), truncated or zero-padded to `maxTokens`.
 * Returns int64 [maxTokens].
 */
export function hashInstruction(text: string, spec: { vocabSize: number; maxTokens: number }): BigInt64Array {
  const { vocabSize, maxTokens } = spec;
  if (!Number.isInteger(vocabSize) || vocabSize < 2) throw new RangeError(`vocabSize must be an integer >= 2, got ${vocabSize}`);
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError(`maxTokens must be an integer >= 1, got ${maxTokens}`);
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  const out = new BigInt64Array(maxTokens);
  for (let i = 0; i < Math.min(words.length, maxTokens); i++) out[i] = BigInt(1 + (fnv1a(words[i]!) % (vocabSize - 1)));
  return out;
}

function fnv1a(word: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(word)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
