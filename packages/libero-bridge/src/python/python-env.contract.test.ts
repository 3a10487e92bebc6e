import { afterAll, beforeAll, describe } from 'vitest';
import { standInEnv } from '../../test/stand-in.ts';
import { describeLiberoEnvContract } from '../testing/libero-env-contract.ts';
import { createPythonEnv } from './python-env.ts';
import { spawnPythonTcpServer, type PythonTcpServer } from './spawn-python-tcp-server.ts';

const image = { width: 24, height: 16 };
const camera = { cameraWidth: image.width, cameraHeight: image.height };

describeLiberoEnvContract(
  'python server over stdio (stand-in libero)',
  () => createPythonEnv({ transport: 'stdio', env: standInEnv(), ...camera }),
  { suite: 'libero_spatial', taskId: 3, initState: 7, seed: 11, image },
);

describe('python server over TCP', () => {
  let server: PythonTcpServer;
  const token = 'contract-token';
  beforeAll(async () => {
    server = await spawnPythonTcpServer({ env: standInEnv(), token });
  });
  afterAll(() => server?.close());

  describeLiberoEnvContract(
    'python server over TCP on 127.0.0.1, ephemeral port (stand-in libero)',
    () => createPythonEnv({ transport: 'tcp', url: server.url, token, ...camera }),
    { suite: 'libero_goal', taskId: 1, initState: 49, seed: 3, image },
  );
});
