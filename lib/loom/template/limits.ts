/** Caps that keep a user-written template from exhausting the server; each breach is TEMPLATE_LIMIT. */
export interface TemplateLimits {
  /** Characters of template source; editors rarely exceed a few KB. */
  maxSourceLength: number;
  /** Characters of output per prompt render (all messages together): far above any model's context. */
  maxOutputLength: number;
  /** Depth of nested block tags (if/for/case/capture/...); deep nesting is only ever an attack. */
  maxNesting: number;
  /**
   * Wall-clock budget in ms of one engine call (parse, analysis and render) when the caller passes
   * no deadline; checked between parsed tokens, analysed nodes, rendered nodes and loop iterations.
   * Request handlers pass a tighter deadline of their own (the studio: 80 ms per request).
   */
  maxRenderMs: number;
  /** Liquid's allocation budget (range items, array/string building in filters) per prompt render. */
  maxMemory: number;
}

export const DEFAULT_TEMPLATE_LIMITS: Readonly<TemplateLimits> = Object.freeze({
  maxSourceLength: 256 * 1024,
  maxOutputLength: 1_000_000,
  maxNesting: 32,
  maxRenderMs: 250,
  maxMemory: 10_000_000,
});
