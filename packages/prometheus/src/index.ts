export { EventloomMetrics } from './eventloom-metrics';
export type { EventloomMetricsOptions } from './eventloom-metrics';
export { metricNames } from './metric-names';
