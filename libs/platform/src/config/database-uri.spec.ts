import { withDatabase } from './database-uri';

describe('withDatabase', () => {
  it.each([
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017/x'],
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017/x'],
    ['mongodb://127.0.0.1:27017/hitl', 'mongodb://127.0.0.1:27017/x'],
    ['mongodb://u:p@h1:1,h2:2/db?replicaSet=rs', 'mongodb://u:p@h1:1,h2:2/x?replicaSet=rs'],
    ['mongodb+srv://cluster.example.net/?retryWrites=true', 'mongodb+srv://cluster.example.net/x?retryWrites=true'],
  ])('%s → %s', (uri, expected) => {
    expect(withDatabase(uri, 'x')).toBe(expected);
  });

  it('refuses something else', () => {
    expect(() => withDatabase('postgres://x', 'x')).toThrow('not a mongodb:// URI');
  });
});
