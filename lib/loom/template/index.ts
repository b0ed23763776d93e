export {
  createTemplateEngine,
  type TemplateAnalyzeOptions,
  type TemplateEngine,
  type TemplateEngineOptions,
  type TemplateRenderOptions,
} from './engine';
export type { TemplateAnalysis, TemplateProblem } from './analyze';
export { deadlineAfter, type Deadline } from './deadline';
export { DEFAULT_TEMPLATE_LIMITS, type TemplateLimits } from './limits';
export { toOutputString } from './output';
