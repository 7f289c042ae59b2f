export type { DetectedSignal, Identity } from '../detected';
