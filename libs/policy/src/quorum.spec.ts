import { missingRoles, rolesTheQuorumNeeds } from './quorum';

describe('the quorum', () => {
  const dual = { requiredRoles: ['manager', 'compliance_officer'], requiredApprovals: 2 };

  it('lists the required roles nobody voted in yet', () => {
    expect(missingRoles(dual.requiredRoles, [])).toEqual(['manager', 'compliance_officer']);
    expect(missingRoles(dual.requiredRoles, ['manager'])).toEqual(['compliance_officer']);
    expect(missingRoles(undefined, ['manager'])).toEqual([]);
  });

  it('a dual approval needing a manager and a compliance officer: after a manager, only a compliance officer may give the second approval', () => {
    expect(rolesTheQuorumNeeds({ ...dual, votedRoles: [] })).toEqual(['manager', 'compliance_officer']);
    expect(rolesTheQuorumNeeds({ ...dual, votedRoles: ['manager'] })).toEqual(['compliance_officer']);
    expect(rolesTheQuorumNeeds({ ...dual, votedRoles: ['manager', 'compliance_officer'] })).toEqual([]);
  });

  it('with more approvals than required roles, anyone eligible votes until the approvals left are all needed for the missing roles', () => {
    const three = { requiredRoles: ['manager', 'compliance_officer', 'senior_investigator'], requiredApprovals: 4 };
    expect(rolesTheQuorumNeeds({ ...three, votedRoles: [] })).toEqual([]);
    // One manager voted: 3 approvals left, 2 roles missing, so a second manager may still vote ...
    expect(rolesTheQuorumNeeds({ ...three, votedRoles: ['manager'] })).toEqual([]);
    // ... after which the 2 approvals left are the 2 missing roles'.
    expect(rolesTheQuorumNeeds({ ...three, votedRoles: ['manager', 'manager'] })).toEqual(['compliance_officer', 'senior_investigator']);
    // No required roles: any eligible role, whatever is left.
    expect(rolesTheQuorumNeeds({ requiredApprovals: 2, votedRoles: ['manager'] })).toEqual([]);
  });
});
