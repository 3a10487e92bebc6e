import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { barChartSvg, escapeXml, logHistogram } from './bar-chart-svg.ts';

describe('barChartSvg', () => {
  it('draws one rect per finite value and one whisker per interval, escaping text', () => {
    const svg = barChartSvg({
      title: 'a <b> & c',
      categories: ['x', 'y'],
      series: [
        { name: 'baseline', colour: '#111', values: [0.5, null], low: [0.2, null], high: [0.8, null] },
        { name: 'rsd', colour: '#222', values: [0.25, 1] },
      ],
      yMax: 1,
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg.match(/<path d="M/g)).toHaveLength(1);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).not.toContain('<b>');
  });

  it('scales bars to the axis: a value of yMax fills the plot height', () => {
    const svg = barChartSvg({ title: 't', categories: ['x'], series: [{ name: 's', colour: '#000', values: [2] }], yMax: 2, height: 300 });
    expect(svg).toMatch(/<rect class="bar" x="[\d.]+" y="34.0" width="[\d.]+" height="202.0"/);
  });
});

describe('logHistogram', () => {
  test.prop([fc.array(fc.double({ min: 0.01, max: 1000, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 30 })])(
    'counts every value once',
    (values, bins) => {
      const sorted = [...values].sort((a, b) => a - b);
      const h = logHistogram(values, bins, sorted[0]!, sorted[sorted.length - 1]!);
      expect(h.counts.reduce((s, x) => s + x, 0)).toBe(values.length);
      expect(h.edges).toHaveLength(bins);
    },
  );

  it('puts values a decade apart into bins a constant distance apart', () => {
    const h = logHistogram([1, 10, 100], 2, 1, 100);
    expect(h.counts).toEqual([1, 2]);
    expect(h.edges[1]).toBeCloseTo(10);
  });
});

it('escapeXml escapes quotes too', () => {
  expect(escapeXml('"')).toBe('&quot;');
});
