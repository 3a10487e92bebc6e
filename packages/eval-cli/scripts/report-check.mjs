// Opens a report.html in headless Chromium and checks that the page renders: every <img>
// (the embedded rollout GIFs) decodes to a non-empty image and the charts' SVGs have a size.
// Prints one JSON line; exits 1 when something did not render. Needs Debian's `chromium`.
//   node scripts/report-check.mjs <run-dir>/report.html
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const report = resolve(process.env.RSD_INVOCATION_CWD || process.env.INIT_CWD || process.cwd(), process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node scripts/report-check.mjs <run-dir>/report.html');
  process.exit(2);
}
const probe = `<script>addEventListener('load', () => {
  const imgs = [...document.images].map((i) => ({ ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth }));
  const svgs = [...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().width);
  document.body.setAttribute('data-check', JSON.stringify({ images: imgs.length, decoded: imgs.filter((i) => i.ok).length, svgs: svgs.length, svgsWithSize: svgs.filter((w) => w > 0).length }));
});</script>`;
// a copy beside the original (same folder: relative links keep working) with the probe appended
const html = readFileSync(report, 'utf8').replace('</body>', `${probe}</body>`);
const copy = join(dirname(report), '.report-check.html');
writeFileSync(copy, html);
const profile = mkdtempSync(join(tmpdir(), 'report-check-'));
let dom;
try {
  dom = execFileSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--virtual-time-budget=10000', '--dump-dom', `file://${copy}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 512 * 1024 * 1024 },
  );
} finally {
  rmSync(copy, { force: true });
  rmSync(profile, { recursive: true, force: true });
}
const m = /data-check="([^"]*)"/.exec(dom);
if (m === null) {
  console.error('report-check: the page did not finish loading in chromium');
  process.exit(1);
}
const result = JSON.parse(m[1].replace(/&quot;/g, '"'));
console.log(JSON.stringify({ report, ...result }));
if (result.decoded !== result.images || result.svgsWithSize !== result.svgs || result.svgs === 0) process.exit(1);
