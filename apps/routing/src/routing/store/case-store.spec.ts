import { exampleOf, Topics } from '@hitl/contracts';
import { loadPolicy } from '@hitl/policy';
import { openCase } from '../case/open-case';
import { decodeCase, encodeCase, type CaseDocument } from './case-store';

describe('the stored form of a case', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const opened = openCase({ ...exampleOf(Topics.PredictionScored) }, loadPolicy(), now);
  const doc: CaseDocument = {
    _id: opened.case.caseId,
    version: 3,
    case: opened.case,
    outbox: [{ eventKey: 'prediction.scored:e1', position: { partition: 2, offset: '41' }, outputs: opened.applied ? opened.outputs : [] }],
    updatedAt: now,
  };

  it('keeps the case and its outbox as one string, with id, version, state and time beside it', () => {
    const stored = encodeCase(doc);
    expect(Object.keys(stored).sort()).toEqual(['_id', 'body', 'state', 'updatedAt', 'version']);
    expect(stored).toMatchObject({ _id: doc._id, version: 3, state: opened.case.state, updatedAt: now });
    expect(typeof stored.body).toBe('string');
  });

  it('decodes to the document it encoded', () => {
    expect(doc.outbox[0].outputs.length).toBeGreaterThan(0);
    expect(decodeCase(encodeCase(doc))).toEqual(doc);
  });

  it('still reads a document written in the nested form', () => {
    expect(decodeCase(doc)).toBe(doc);
  });
});
