import { CSS } from '../../src/status-page/styles.js';
import { SEVERITIES } from '../../src/status-page/severity.js';

/**
 * The severity colours as the stylesheet defines them, checked by WCAG's formula: each at least 4.5:1 (AA for
 * normal text) against the badge background, in the light and the dark scheme, and no two alike.
 */
function variables(block: string): Record<string, string> {
  return Object.fromEntries(
    [...block.matchAll(/--([a-z_-]+):(#[0-9a-f]{6})/gi)].map((match) => [match[1]!, match[2]!]),
  );
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('the severity colours', () => {
  const light = variables(CSS.slice(CSS.indexOf(':root{'), CSS.indexOf('@media (prefers-color-scheme:dark)')));
  const dark = variables(CSS.slice(CSS.indexOf('@media (prefers-color-scheme:dark)'), CSS.indexOf('*{box-sizing')));

  it('knows the formula (black on white is 21:1, a colour on itself 1:1)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#767676')).toBe(1);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  for (const [scheme, colours] of [
    ['light', () => light],
    ['dark', () => dark],
  ] as const) {
    it(`gives every severity AA contrast on its badge in the ${scheme} scheme, each its own`, () => {
      const vars = colours();
      const ratios = Object.fromEntries(
        SEVERITIES.map((severity) => {
          const background = severity === 'critical' ? vars['sev-critical-bg']! : vars.chip!;
          return [severity, Number(contrast(vars[`sev-${severity}`]!, background).toFixed(2))];
        }),
      );
      for (const [severity, ratio] of Object.entries(ratios))
        expect({ severity, ok: ratio >= 4.5, ratio }).toMatchObject({ severity, ok: true });
      const pairs = SEVERITIES.map(
        (severity) => `${vars[`sev-${severity}`]}/${severity === 'critical' ? vars['sev-critical-bg'] : 'chip'}`,
      );
      expect(new Set(pairs).size).toBe(SEVERITIES.length);
      // Text and links on the page background, and muted text, pass too.
      for (const name of ['fg', 'muted', 'link']) expect(contrast(vars[name]!, vars.bg!)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(vars.muted!, vars.chip!)).toBeGreaterThanOrEqual(4.5);
    });
  }
});
