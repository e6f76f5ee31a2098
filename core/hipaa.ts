// HIPAA Security Rule safeguards (45 CFR Part 164, Subpart C) that Ward's controls map to.
// Controls reference these by id; the HIPAA matrix in reports and docs is derived from the controls.

export const HIPAA_SAFEGUARDS = {
  '164.308(a)(1)(ii)(D)': 'Information system activity review',
  '164.312(a)(1)': 'Access control',
  '164.312(a)(2)(iv)': 'Encryption and decryption',
  '164.312(b)': 'Audit controls',
  '164.312(d)': 'Person or entity authentication',
  '164.312(e)(1)': 'Transmission security',
  '164.316(b)(2)(i)': 'Documentation: time limit (retain six years)',
} as const;

export type HipaaRef = keyof typeof HIPAA_SAFEGUARDS;
