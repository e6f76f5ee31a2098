import { describe, expect, it } from 'vitest';
import { csvField, csvRow, neutralise } from './csv.js';

describe('CSV cells', () => {
  it('neutralise what a spreadsheet would run as a formula', () => {
    for (const evil of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠x']) expect(neutralise(evil)).toBe(`'${evil}`);
    for (const fine of ['vol-123', 'a=b', ' =1', '', "'already"]) expect(neutralise(fine)).toBe(fine);
  });

  it('quote per RFC 4180: commas, quotes and line breaks; quotes doubled', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvRow(['a', 'b,c', '-1'])).toBe('a,"b,c",\'-1\r\n');
  });

  it('keep non-Latin text as it is', () => {
    expect(csvField('数据库-東京')).toBe('数据库-東京');
    expect(csvField('база, данных')).toBe('"база, данных"');
  });
});
