import { describe, expect, it } from 'vitest';
import { MAX_SESSION_RUNS, parseRuns, withRun, type SessionRun } from './run-log';

const run = (id: string): SessionRun => ({
  id,
  at: '2026-01-01T00:00:00.000Z',
  source: 'v1',
  provider: 'simulator',
  model: 'gpt-4o-mini',
  input: {},
  messages: [],
  output: `answer ${id}`,
  status: 'done',
});

describe('session run log', () => {
  it('keeps the newest runs first and drops the oldest past the cap', () => {
    let runs: SessionRun[] = [];
    for (let i = 1; i <= MAX_SESSION_RUNS + 2; i++) runs = withRun(runs, run(String(i)));
    expect(runs).toHaveLength(MAX_SESSION_RUNS);
    expect(runs[0]?.id).toBe(String(MAX_SESSION_RUNS + 2));
    expect(runs.at(-1)?.id).toBe('3');
  });

  it('reads nothing from missing or corrupt storage', () => {
    expect(parseRuns(null)).toEqual([]);
    expect(parseRuns('{not json')).toEqual([]);
    expect(parseRuns('{"a":1}')).toEqual([]);
    expect(parseRuns(JSON.stringify([run('a')]))).toEqual([run('a')]);
  });
});
