export { createTemplateEngine, type TemplateEngine, type TemplateEngineOptions } from './engine';
export type { TemplateAnalysis, TemplateProblem } from './analyze';
export { DEFAULT_TEMPLATE_LIMITS, type TemplateLimits } from './limits';
export { toOutputString } from './output';
