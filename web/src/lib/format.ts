/** The dashboard formats figures as the CLI and the report do. */
export { bytes, clock, count, duration, ms, percent, rate, share } from '../../../shared/format.ts'
