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
export {
  createPriceSchedule,
  scheduledPriceSchema,
  MAX_PRICE_PER_MILLION_MICROS,
  type PriceSchedule,
  type ScheduledPrice,
} from './price-schedule';
