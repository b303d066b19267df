import { documentCodec } from './encoded';

interface Item {
  _id: string;
  version: number;
  status: string;
  updatedAt: Date;
  votes: { by: string; at: string }[];
  note?: string;
}

describe('documentCodec', () => {
  const codec = documentCodec<Item>(['status', 'updatedAt']);
  const item: Item = { _id: 'c1', version: 3, status: 'open', updatedAt: new Date('2026-12-02T10:00:00Z'), votes: [{ by: 'ana', at: '2026-12-02T09:00:00Z' }] };

  it('keeps _id, version and the named fields native and the rest in one JSON string', () => {
    const stored = codec.encode(item);
    expect(stored).toEqual({ _id: 'c1', version: 3, status: 'open', updatedAt: item.updatedAt, body: JSON.stringify({ votes: item.votes }) });
    expect((stored as unknown as Item).updatedAt).toBeInstanceOf(Date);
  });

  it('decodes what it encoded to an equal document, undefined fields left out', () => {
    expect(codec.decode(codec.encode({ ...item, note: undefined }))).toEqual(item);
  });

  it('reads a document written before the encoding as it is', () => {
    expect(codec.decode(item)).toBe(item);
  });

  it('lets the native fields win over the body (a filter-visible field is the truth)', () => {
    const stored = { ...codec.encode(item), status: 'finalized' };
    expect(codec.decode(stored).status).toBe('finalized');
  });
});
