// Integration and end-to-end tests cross a real broker and database: give them room. Per-wait
// deadlines (waitFor) still fail fast with a description of what never happened.
jest.setTimeout(Number(process.env.HITL_TEST_TIMEOUT_MS ?? 120_000));
