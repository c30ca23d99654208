// bench/results/latest.json: the sections a run measured, merged with the ones it did not run,
// kept from the file as they were, so that `BENCH_ONLY=…` replaces only its own sections.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The sections' keys in the file, in the order of the run. */
export const SECTION_KEYS = ['verify', 'publicKeys', 'http', 'memory', 'remote', 'dpop'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** What a run was: when, on what code and machine, with which settings. */
export interface RunInfo {
  readonly startedAt: string;
  readonly seconds: number;
  readonly commit: string;
  readonly command: string;
  readonly machine: unknown;
  readonly load: { readonly before: readonly number[]; readonly after: readonly number[] };
  readonly settings: unknown;
}

export type Sections = Partial<Record<SectionKey, unknown>>;

export interface Merged {
  readonly sections: Sections;
  /** The run each section's results come from. */
  readonly runs: Partial<Record<SectionKey, RunInfo>>;
}

/**
 * The file's sections with `measured` in place of their old values; every other section, and the
 * run it came from (`runs`, or for a file written before `runs` existed, the file's own run), kept.
 */
export function mergeResults(path: string, run: RunInfo, measured: Sections): Merged {
  const old = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Sections & RunInfo & { runs?: Merged['runs'] }) : undefined;
  const sections: Sections = {};
  const runs: Partial<Record<SectionKey, RunInfo>> = {};
  for (const key of SECTION_KEYS) {
    if (measured[key] !== undefined) {
      sections[key] = measured[key];
      runs[key] = run;
    } else if (old?.[key] !== undefined) {
      const { startedAt, seconds, commit, command, machine, load, settings } = old;
      sections[key] = old[key];
      runs[key] = old.runs?.[key] ?? { startedAt, seconds, commit, command, machine, load, settings };
    }
  }
  return { sections, runs };
}

export function writeResults(path: string, json: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}
