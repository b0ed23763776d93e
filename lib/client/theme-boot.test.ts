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
  let onAttributeChange = () => {};
  class MutationObserver {
    constructor(callback: () => void) {
      onAttributeChange = callback;
    }
    observe() {}
  }
  runInNewContext(THEME_BOOT_SCRIPT, {
    MutationObserver,
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
    /** What React does to <html> when it renders the whole document on the client. */
    attributeRemoved: () => {
      delete root.dataset.theme;
      onAttributeChange();
    },
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

  it('puts the theme back when the attribute is removed', () => {
    const page = boot('dark', false);
    page.attributeRemoved();
    expect(page.theme()).toBe('dark');
  });

  it('falls back to the system preference when storage is blocked', () => {
    expect(boot(null, true, true).theme()).toBe('dark');
  });
});
