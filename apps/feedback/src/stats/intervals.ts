// The intervals live in the platform lib (the routing backtest reports the same bounds).
export { clopperPearsonInterval, inverseRegularizedIncompleteBeta, normalQuantile, regularizedIncompleteBeta, wilsonInterval, type ProportionInterval } from '@hitl/platform';
