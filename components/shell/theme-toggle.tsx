'use client';

import { setThemePreference, useThemePreference, type ThemePreference } from '@/lib/client/theme';

const CHOICES: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'Auto' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark or the system's choice; saved in this browser and applied at once. */
export function ThemeToggle() {
  const preference = useThemePreference();
  return (
    <div
      role="group"
      aria-label="Theme"
      className="flex rounded-md bg-zinc-100 p-0.5 text-xs dark:bg-zinc-900"
    >
      {CHOICES.map((choice) => (
        <button
          key={choice.value}
          type="button"
          aria-pressed={preference === choice.value}
          title={choice.value === 'system' ? 'Follow the system setting' : undefined}
          onClick={() => setThemePreference(choice.value)}
          className={`flex-1 rounded px-2 py-1 font-medium ${
            preference === choice.value
              ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-zinc-50'
              : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
          }`}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}
