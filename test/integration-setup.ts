// Integration tests import server-only modules; outside Next there is no react-server condition.
import { vi } from 'vitest';
vi.mock('server-only', () => ({}));
