import { rsdProject } from '../../vitest.shared.ts';

export default rsdProject('policy-server');
