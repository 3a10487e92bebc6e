import { BridgeError } from '@rsd/libero-bridge';
import { describe, expect, it } from 'vitest';
import { EndpointPool } from './endpoint-pool.ts';

const refused = (url: string) => new BridgeError('IO_ERROR', `could not connect to ${url}: connect ECONNREFUSED`);

/** Servers that answer a probe while `up` holds them. */
function servers(up: Set<string>) {
  const probes: string[] = [];
  return {
    probes,
    probe: async (url: string) => {
      probes.push(url);
      if (!up.has(url)) throw refused(url);
    },
  };
}

const fast = { initialMs: 5, maxMs: 20 };

describe('EndpointPool', () => {
  it('start: a server that refuses is a warning when another answers, and joins once it answers', async () => {
    const up = new Set(['tcp://a:1']);
    const { probe } = servers(up);
    const lines: string[] = [];
    const pool = new EndpointPool({ endpoints: ['tcp://a:1', 'tcp://b:2'], probe, serverWaitMs: 1000, backoff: fast, log: (l) => lines.push(l) });
    await pool.start();
    expect(pool.alive).toEqual(['tcp://a:1']);
    expect(lines.join('\n')).toMatch(/warning: LIBERO server tcp:\/\/b:2 does not answer \(IO_ERROR: could not connect.*ECONNREFUSED\); running on tcp:\/\/a:1/);
    up.add('tcp://b:2');
    // re-probed with backoff; bounded wait for it to rejoin
    for (let i = 0; i < 200 && pool.alive.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(pool.alive).toEqual(['tcp://a:1', 'tcp://b:2']);
    expect(lines.join('\n')).toMatch(/tcp:\/\/b:2 answers again .*back in the rotation/);
    pool.close();
  });

  it('start: no server answers → SETUP_FAILED naming every endpoint and its error; a setup fault stops the run too', async () => {
    const none = new EndpointPool({ endpoints: ['tcp://a:1', 'tcp://b:2'], probe: servers(new Set()).probe, serverWaitMs: 0 });
    await expect(none.start()).rejects.toMatchObject({ code: 'SETUP_FAILED', message: expect.stringMatching(/no LIBERO server answers: tcp:\/\/a:1 \(last error: IO_ERROR.*\); tcp:\/\/b:2 \(last error: IO_ERROR/) });
    const auth = new EndpointPool({
      endpoints: ['tcp://a:1', 'tcp://b:2'],
      probe: async (url) => {
        if (url === 'tcp://b:2') throw new BridgeError('AUTH_FAILED', 'bad token');
      },
      serverWaitMs: 0,
    });
    await expect(auth.start()).rejects.toMatchObject({ code: 'SETUP_FAILED', message: expect.stringMatching(/RSD_LIBERO_TOKEN/) });
  });

  it('gives the least-loaded live endpoint, keeping the preferred one on a tie', async () => {
    const pool = new EndpointPool({ endpoints: ['tcp://a:1', 'tcp://b:2'], probe: async () => {}, serverWaitMs: 0 });
    await pool.start();
    expect(await pool.acquire()).toBe('tcp://a:1');
    expect(await pool.acquire('tcp://a:1')).toBe('tcp://b:2');
    pool.release('tcp://a:1');
    expect(await pool.acquire('tcp://b:2')).toBe('tcp://a:1');
    pool.release('tcp://a:1');
    pool.release('tcp://b:2');
    expect(await pool.acquire('tcp://b:2')).toBe('tcp://b:2');
    pool.close();
  });

  it('a failure whose probe still answers keeps the endpoint; one that does not takes it out until it answers again', async () => {
    const up = new Set(['tcp://a:1', 'tcp://b:2']);
    const { probe, probes } = servers(up);
    const pool = new EndpointPool({ endpoints: ['tcp://a:1', 'tcp://b:2'], probe, serverWaitMs: 1000, backoff: fast });
    await pool.start();
    pool.reportFailure('tcp://b:2', 'SERVER_DIED: the episode crashed its own child');
    expect(pool.alive).toEqual(['tcp://a:1']);
    for (let i = 0; i < 200 && pool.alive.length < 2; i++) await new Promise((r) => setTimeout(r, 1));
    expect(pool.alive).toEqual(['tcp://a:1', 'tcp://b:2']);
    up.delete('tcp://b:2');
    const before = probes.length;
    pool.reportFailure('tcp://b:2', 'SERVER_DIED: killed');
    expect(await pool.acquire()).toBe('tcp://a:1');
    expect(await pool.acquire()).toBe('tcp://a:1');
    for (let i = 0; i < 200 && probes.length < before + 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(probes.length).toBeGreaterThanOrEqual(before + 3);
    expect(pool.alive).toEqual(['tcp://a:1']);
    pool.close();
  });

  it('with every endpoint down, acquire waits for one to come back, and fails with SERVERS_DOWN after serverWaitMs', async () => {
    const up = new Set(['tcp://a:1']);
    const { probe } = servers(up);
    const pool = new EndpointPool({ endpoints: ['tcp://a:1'], probe, serverWaitMs: 2000, backoff: fast });
    await pool.start();
    up.delete('tcp://a:1');
    pool.reportFailure('tcp://a:1', 'SERVER_DIED: killed');
    const waiting = pool.acquire();
    setTimeout(() => up.add('tcp://a:1'), 30);
    expect(await waiting).toBe('tcp://a:1');
    pool.close();

    const down = new Set(['tcp://a:1']);
    const short = new EndpointPool({ endpoints: ['tcp://a:1'], probe: servers(down).probe, serverWaitMs: 50, backoff: fast });
    await short.start();
    down.clear();
    short.reportFailure('tcp://a:1', 'SERVER_DIED: killed');
    await expect(short.acquire()).rejects.toMatchObject({ code: 'SERVERS_DOWN', message: expect.stringMatching(/tcp:\/\/a:1 \(last error: IO_ERROR: could not connect/) });
    short.close();
  });
});
