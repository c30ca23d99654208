import { defineConfig } from 'tsup';

export default defineConfig({
  // The command (src/cli.ts starts with #!/usr/bin/env node); tsup keeps the line and makes it executable.
  entry: { index: 'src/index.ts', redis: 'src/redis.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  // Written once per format; `npm run build` then points the ESM declarations at the CJS
  // chunk (scripts/share-declarations.js), so TokenPayload and the Express augmentation exist once.
  dts: { entry: { index: 'src/index.ts', redis: 'src/redis.ts' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  // The command finds its package.json from import.meta.url (src/cli/version.ts); the shim gives
  // the CommonJS copy of it a working import.meta.url. Nothing else uses import.meta.
  shims: true,
});
