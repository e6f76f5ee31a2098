import { describe, expect, it } from 'vitest';
import { explainSystemError } from './system-errors.js';

const fsError = (code: string, path: string) => Object.assign(new Error(`${code}: failed, open '${path}'`), { code, path });

describe('errors that blame the machine, not Ward', () => {
  it('says what happened and what to do for a full, read-only or forbidden store', () => {
    expect(explainSystemError(fsError('ENOSPC', '/var/ward/state/a.json'))).toBe(
      'no space left on the device at /var/ward/state/a.json. Nothing was half-written; free some space (or point --store at another disk) and run again.',
    );
    expect(explainSystemError(fsError('EROFS', '/mnt/ro/scans'))).toMatch(/^the file system is read-only at \/mnt\/ro\/scans\. Point --store/);
    expect(explainSystemError(fsError('EACCES', '/root/store'))).toMatch(/^permission denied at \/root\/store\. Give this user write access/);
  });

  it('explains a YAML alias bomb and leaves other errors alone', () => {
    expect(explainSystemError(new Error('Excessive alias count indicates a resource exhaustion attack'))).toMatch(/alias bomb/);
    expect(explainSystemError(new TypeError('x is undefined'))).toBeUndefined();
    expect(explainSystemError(Object.assign(new Error('x'), { code: 'toString' }))).toBeUndefined();
  });
});
