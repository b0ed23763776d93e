export {
  countTokens,
  countMessageTokens,
  encodingFor,
  heuristicTokenCount,
  type TokenEncoding,
} from './tokens';
export { costOf, estimate, type Estimate, type EstimateRequest } from './estimate';
export {
  createPricing,
  DEFAULT_PRICING,
  DEFAULT_PRICES,
  modelPriceSchema,
  type ModelPrice,
  type Pricing,
} from './pricing';
export {
  createTracker,
  type Tracker,
  type TrackerDimension,
  type UsageRecord,
  type UsageTotals,
} from './tracker';
