// The layout the source promises: a core that never imports Express, small modules, no cycles.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

// `import … from '…'`, `export … from '…'`, `import '…'`: every module specifier, type-only ones included.
const SPECIFIER = /^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm;

/** Each file of src/ (relative path) and what it imports: relative paths of src files, or package names. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(SPECIFIER)].map(([, specifier]) =>
      specifier!.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier!.replace(/\.js$/, '.ts'))) : specifier!,
    );
    graph.set(relative(SRC, file), imports);
  }
  return graph;
}

const graph = importGraph();

describe('the source layout', () => {
  it('finds the modules and their imports (the parser works)', () => {
    expect(graph.get('index.ts')).toContain('express/token-required.ts');
    expect(graph.get('core/verifier.ts')).toContain('core/claims.ts');
    expect(graph.get('express/types.ts')).toContain('express');
  });

  it('keeps src/core free of Express, the adapter, the stores and the command', () => {
    const offending = [...graph].flatMap(([file, imports]) =>
      file.startsWith('core/')
        ? imports
            .filter((target) => target === 'express' || target === 'express4' || /^(express|stores|cli)\//.test(target))
            .map((target) => `${file} → ${target}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('resolves every relative import to a file of src/', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => target.endsWith('.ts') && !graph.has(target)).map((target) => `${file} → ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycle among the modules of src/ (type-only imports included)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps every module at 200 lines or fewer', () => {
    const long = [...graph.keys()]
      .map((file) => [file, readFileSync(join(SRC, file), 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 200);
    expect(long).toEqual([]);
  });
});
