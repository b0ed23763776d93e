export { execute, executeStream } from './execute';
export {
  retryPolicySchema,
  timeoutPolicySchema,
  requestOverridesSchema,
  type Renderable,
  type CostFn,
  type Clock,
  type Sleep,
  type RetryPolicy,
  type TimeoutPolicy,
  type RunRecord,
  type RecordHook,
  type RequestOverrides,
  type ExecuteOptions,
  type ExecuteResult,
  type ExecuteStreamEvent,
} from './types';
