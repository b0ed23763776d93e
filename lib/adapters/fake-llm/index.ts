import 'server-only';

export {
  FAKE_MOVED_PATH,
  FAKE_WEBSITE_PATH,
  startFakeLlmServer,
  type FakeLlmServer,
  type FakeLlmServerOptions,
  type FakeLlmRequestLog,
} from './server';
export {
  DEFAULT_FAKE_MODELS,
  countTokens,
  defaultReply,
  judgeReply,
  type FakeFault,
  type FakeJudgement,
  type FakeLlmRule,
  type FakeLlmScript,
  type FakeModel,
  type ReplyContext,
} from './script';
