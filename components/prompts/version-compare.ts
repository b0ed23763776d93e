import type { VersionRow, VersionSection, VersionText } from './types';

/**
 * The pair "Compare" on a version's row shows: that version against the one before it, or, for
 * the first version, against the one after it, never a version against itself.
 */
export function comparePairFor(
  versions: readonly VersionRow[],
  version: number,
): { from: number; to: number } {
  const older = versions.filter((v) => v.version < version).map((v) => v.version);
  if (older.length > 0) return { from: Math.max(...older), to: version };
  const newer = versions.filter((v) => v.version > version).map((v) => v.version);
  return newer.length > 0 ? { from: version, to: Math.min(...newer) } : { from: version, to: version };
}

export interface SectionChange {
  section: VersionSection;
  before: string;
  isChanged: boolean;
}

/** The sections of two versions, changed ones first, each group in the sections' own order. */
export function sectionChanges(from: VersionText, to: VersionText): SectionChange[] {
  const changes = to.sections.map((section) => {
    const before = from.sections.find((s) => s.key === section.key)?.text ?? '';
    return { section, before, isChanged: before !== section.text };
  });
  return [...changes.filter((c) => c.isChanged), ...changes.filter((c) => !c.isChanged)];
}
