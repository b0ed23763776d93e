import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { THEME_BOOT_SCRIPT, THEME_STORAGE_KEY } from './theme-boot';

/** Runs the inline boot script as the browser would, with a saved choice and a system preference. */
function boot(saved: string | null, systemIsDark: boolean, storageThrows = false) {
  const listeners: (() => void)[] = [];
  const media = {
    matches: systemIsDark,
    addEventListener: (_: string, fn: () => void) => listeners.push(fn),
  };
  const root = { dataset: {} as Record<string, string> };
  runInNewContext(THEME_BOOT_SCRIPT, {
    window: { matchMedia: () => media },
    localStorage: {
      getItem: (key: string) => {
        if (storageThrows) throw new Error('SecurityError');
        return key === THEME_STORAGE_KEY ? saved : null;
      },
    },
    document: { documentElement: root },
  });
  return {
    theme: () => root.dataset.theme,
    systemChanges: (dark: boolean) => {
      media.matches = dark;
      listeners.forEach((fn) => fn());
    },
  };
}

describe('the theme boot script', () => {
  it('applies a saved choice whatever the system prefers', () => {
    expect(boot('dark', false).theme()).toBe('dark');
    expect(boot('light', true).theme()).toBe('light');
  });

  it('follows the system when nothing is saved, also when it changes later', () => {
    const page = boot(null, true);
    expect(page.theme()).toBe('dark');
    page.systemChanges(false);
    expect(page.theme()).toBe('light');
  });

  it('keeps a saved choice when the system changes', () => {
    const page = boot('light', false);
    page.systemChanges(true);
    expect(page.theme()).toBe('light');
  });

  it('falls back to the system preference when storage is blocked', () => {
    expect(boot(null, true, true).theme()).toBe('dark');
  });
});
