import type { HealthSeries } from '@hitl/contracts';
import { sparkline } from './pages';

const series = (values: (number | null)[]): HealthSeries => ({
  window: { from: '2026-12-01T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z', days: values.length },
  days: values.map((value, i) => ({ day: `2026-12-0${i + 1}`, metrics: [{ name: 'override_rate', value, sample: value === null ? 0 : 10, status: 'ok' }] })),
});

describe('the trend line of a metric', () => {
  it('one point per day, scaled between the lowest and highest value; the last day marked', () => {
    const svg = sparkline(series([0.1, 0.3, 0.2]), 'override_rate').value;
    // x spreads the 3 days over 2..118, y puts 0.1 at the bottom (22) and 0.3 at the top (2).
    expect(svg).toContain('points="2.0,22.0 60.0,2.0 118.0,12.0"');
    expect(svg).toContain('<circle cx="118.0" cy="12.0"');
    expect(svg).toContain('aria-label="override rate over 3 days: 3 days with data"');
  });

  it('a day without data breaks the line instead of inventing a value', () => {
    const svg = sparkline(series([0.1, 0.2, null, 0.4, 0.3]), 'override_rate').value;
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('4 days with data');
  });

  it('no data at all says so', () => {
    expect(sparkline(series([null, null]), 'override_rate').value).toContain('no data');
  });
});
