import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', redis: 'src/redis.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', redis: 'src/redis.ts' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
});
