import { describe, expect, it } from 'vitest';
import { colourSeverities, useColour } from './colour.js';

describe('colour', () => {
  it('is on for a terminal only, and off with NO_COLOR, --no-color or TERM=dumb', () => {
    expect(useColour({ isTTY: true }, undefined, {})).toBe(true);
    expect(useColour({ isTTY: false }, undefined, {})).toBe(false);
    expect(useColour({}, undefined, {})).toBe(false);
    expect(useColour({ isTTY: true }, false, {})).toBe(false);
    expect(useColour({ isTTY: true }, undefined, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: true }, undefined, { NO_COLOR: '' })).toBe(true);
    expect(useColour({ isTTY: true }, undefined, { TERM: 'dumb' })).toBe(false);
  });

  it('colours the severity that starts an entry and nothing else', () => {
    const text = 'HIGH      aws-x  vol-a\n          HIGH in a message stays plain\nCRITICAL  aws-y';
    const coloured = colourSeverities(text);
    expect(coloured).toBe('\x1b[1;31mHIGH\x1b[0m      aws-x  vol-a\n          HIGH in a message stays plain\n\x1b[1;97;41mCRITICAL\x1b[0m  aws-y');
    // eslint-disable-next-line no-control-regex -- stripping the escape codes is the point
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(text);
  });
});
