'use client';

import {
  createContext,
  useContext,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

const CONTROL =
  'w-full min-w-0 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-xs focus-visible:border-accent aria-invalid:border-red-600 dark:border-zinc-600 dark:bg-zinc-900 dark:aria-invalid:border-red-400';

/** What a control inside a Field needs to point at its hint and error. */
interface FieldState {
  describedBy?: string;
  isInvalid: boolean;
}

const FieldContext = createContext<FieldState>({ isInvalid: false });

/**
 * A labelled form field. The label wraps the control (so any control is named by it); the hint
 * and the error sit outside the label and are linked with aria-describedby, and an error marks
 * the control aria-invalid. Input, Select and Textarea pick this up by themselves; a custom
 * control can read it with useFieldControl().
 */
export function Field({
  label,
  error,
  hint,
  className = '',
  children,
}: {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`space-y-1 ${className}`}>
      <label className="block space-y-1">
        <span className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">{label}</span>
        <FieldContext value={{ describedBy, isInvalid: Boolean(error) }}>{children}</FieldContext>
      </label>
      {hint ? (
        <p id={hintId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-xs font-medium text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The aria attributes a control inside a Field should carry; explicit props win. */
export function useFieldControl(props: { 'aria-invalid'?: unknown; 'aria-describedby'?: string }) {
  const field = useContext(FieldContext);
  return {
    'aria-invalid': (props['aria-invalid'] as boolean | undefined) ?? (field.isInvalid || undefined),
    'aria-describedby': props['aria-describedby'] ?? field.describedBy,
  };
}

export function Input({ className = '', ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} {...useFieldControl(props)} className={`${CONTROL} ${className}`} />;
}

export function Select({ className = '', ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} {...useFieldControl(props)} className={`${CONTROL} ${className}`} />;
}

export function Textarea({ className = '', ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea {...props} {...useFieldControl(props)} className={`${CONTROL} ${className}`} />;
}
