import { LoginThrottle } from './login-throttle';

const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowMs: 60_000 };

describe('login throttling', () => {
  it('locks an account after its failures in the window, until the oldest of them leaves it', () => {
    const t = new LoginThrottle(limits);
    for (const at of [0, 10_000, 20_000]) {
      expect(t.check('sam', '10.0.0.1', at)).toEqual({ allowed: true });
      t.failed('sam', '10.0.0.1', at);
    }
    expect(t.check('sam', '10.0.0.1', 21_000)).toEqual({ allowed: false, by: 'account', retryAfterSeconds: 39 });
    // From another address too, and whatever the case of the name.
    expect(t.check(' SAM ', '10.0.0.2', 59_999)).toMatchObject({ allowed: false, by: 'account', retryAfterSeconds: 1 });
    expect(t.check('sam', '10.0.0.2', 60_001)).toEqual({ allowed: true });
    // The two later failures are still in the window: one more locks it again, until 70 s.
    t.failed('sam', '10.0.0.2', 61_000);
    expect(t.check('sam', '10.0.0.2', 62_000)).toEqual({ allowed: false, by: 'account', retryAfterSeconds: 8 });
  });

  it('a success clears the account, not the address', () => {
    const t = new LoginThrottle(limits);
    t.failed('sam', 'a', 0);
    t.failed('sam', 'a', 1);
    t.succeeded('sam');
    t.failed('sam', 'a', 2);
    t.failed('sam', 'a', 3);
    expect(t.check('sam', 'a', 4)).toEqual({ allowed: true });
    t.failed('jamie', 'a', 5); // the address' fifth failure
    expect(t.check('dana', 'a', 6)).toEqual({ allowed: false, by: 'address', retryAfterSeconds: 60 });
    expect(t.check('dana', 'b', 6)).toEqual({ allowed: true });
  });

  it('spraying one password over many names is stopped by the address limit; names that do not exist count the same', () => {
    const t = new LoginThrottle(limits);
    const names = Array.from({ length: 20 }, (_, i) => `user${i}`);
    let refused = 0;
    for (const [i, name] of names.entries()) {
      if (t.check(name, 'x', i).allowed) t.failed(name, 'x', i);
      else refused++;
    }
    expect(refused).toBe(15);
  });

  it('remembers a bounded number of names and addresses, forgetting the least recently failed first', () => {
    const t = new LoginThrottle({ ...limits, maxFailuresPerAccount: 1, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) t.failed(`n${i}`, `ip${i}`, i);
    expect(t.check('n999', 'other', 1_000)).toMatchObject({ allowed: false, by: 'account' });
    expect(t.check('n0', 'other', 1_000)).toEqual({ allowed: true });
  });
});
