import type { Principal } from '../auth/authenticator';
import { tracePage, waterfall, type JaegerTraces } from './trace-view';

// Shaped as Jaeger's /api/traces answers (times in microseconds), trimmed to what the page reads.
const trace: JaegerTraces['data'][number] = {
  traceID: '7bc03ce009e682c8621d4420ef930308',
  processes: { p1: { serviceName: 'hitl-scoring' }, p2: { serviceName: 'hitl-routing' }, p3: { serviceName: 'hitl-review' } },
  spans: [
    { spanID: 'c', operationName: 'process review.requested', references: [{ refType: 'CHILD_OF', spanID: 'b' }], startTime: 1_000_900, duration: 4_000, processID: 'p3' },
    { spanID: 'a', operationName: 'send prediction.scored', startTime: 1_000_000, duration: 2_500, processID: 'p1' },
    { spanID: 'b', operationName: 'send review.requested', references: [{ refType: 'CHILD_OF', spanID: 'a' }], startTime: 1_000_400, duration: 1_200, processID: 'p2' },
    { spanID: 'd', operationName: 'send elsewhere', references: [{ refType: 'CHILD_OF', spanID: 'not-in-this-trace' }], startTime: 1_010_000, duration: 100, processID: 'p2' },
  ],
};

describe("a case's trace as a waterfall", () => {
  it('in start order, each span under its parent, offsets and durations in milliseconds', () => {
    expect(waterfall(trace)).toEqual([
      { service: 'hitl-scoring', name: 'send prediction.scored', depth: 0, offsetMs: 0, durationMs: 2.5 },
      { service: 'hitl-routing', name: 'send review.requested', depth: 1, offsetMs: 0.4, durationMs: 1.2 },
      { service: 'hitl-review', name: 'process review.requested', depth: 2, offsetMs: 0.9, durationMs: 4 },
      // A parent the store does not have: shown at the top level, not dropped.
      { service: 'hitl-routing', name: 'send elsewhere', depth: 0, offsetMs: 10, durationMs: 0.1 },
    ]);
  });

  const user: Principal = { id: 'sam', name: 'Sam', roles: ['support_lead'] };

  it('the page names the services and draws a bar per span', () => {
    const page = tracePage(user, 'case-1', { data: [trace] }, undefined, 'http://127.0.0.1:16686').value;
    expect(page).toContain('4 spans from 3 services (hitl-scoring, hitl-routing, hitl-review)');
    expect(page.match(/class="tbar"/g)).toHaveLength(4);
  });

  it('says so when there is no trace yet, or no trace store', () => {
    expect(tracePage(user, 'case-1', { data: [] }, undefined, 'http://x').value).toContain('No trace of case case-1 yet');
    expect(tracePage(user, 'case-1', undefined, 'connect ECONNREFUSED', 'http://127.0.0.1:16686').value).toContain('HITL_TRACES=1 npm start');
  });
});
