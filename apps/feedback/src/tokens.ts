/** The policy, injected wherever feedback needs it. */
export const POLICY = Symbol('POLICY');
