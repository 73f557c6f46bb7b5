// theme.css copies Naive UI's colours so the plain first screen looks like the Naive
// screens without loading Naive. This pins every copied value to Naive's own: a Naive
// upgrade that changes a colour fails here instead of drifting silently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { darkTheme, lightTheme } from 'naive-ui';
import { themeOverrides } from '../src/naive/config';

const css = readFileSync(join(import.meta.dirname, '../src/theme.css'), 'utf8');

function vars(theme: 'light' | 'dark'): Record<string, string> {
  const block = css.match(new RegExp(`:root\\[data-theme='${theme}'\\] \\{([^}]*)\\}`))?.[1] ?? '';
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/(--[\w-]+):\s*([^;]+);/g)) out[m[1]] = m[2].trim();
  return out;
}

describe('theme.css', () => {
  for (const [name, theme] of [['light', lightTheme], ['dark', darkTheme]] as const) {
    test(`${name}: the values are Naive's`, () => {
      const c = { ...theme.common, ...themeOverrides.common };
      const alert = theme.Alert.self!(c as never);
      const empty = theme.Empty.self!(c as never);
      const expected: Record<string, string> = {
        '--shell-body': c.bodyColor, '--shell-card': c.cardColor,
        '--shell-embedded': name === 'dark' ? c.cardColor : c.actionColor,
        '--shell-input': c.inputColor, '--shell-popover': c.popoverColor, '--shell-tag': c.actionColor,
        '--shell-hover': c.hoverColor, '--shell-pressed': c.pressedColor, '--shell-divider': c.dividerColor,
        '--shell-border': c.borderColor, '--shell-radius': c.borderRadius,
        '--shell-text1': c.textColor1, '--shell-text2': c.textColor2, '--shell-text3': c.textColor3,
        '--shell-base': c.baseColor, '--shell-primary': c.primaryColor, '--shell-primary-hover': c.primaryColorHover,
        '--shell-primary-pressed': c.primaryColorPressed, '--shell-success': c.successColor, '--shell-info': c.infoColor,
        '--shell-warning': c.warningColor, '--shell-error': c.errorColor, '--shell-error-hover': c.errorColorHover,
        '--shell-scrollbar': c.scrollbarColor, '--shell-scrollbar-hover': c.scrollbarColorHover,
        '--shell-close-hover': alert.closeColorHover, '--shell-close-icon': alert.closeIconColor,
        '--alert-info-bg': alert.colorInfo, '--alert-info-border': alert.borderInfo, '--alert-info-icon': alert.iconColorInfo,
        '--alert-warning-bg': alert.colorWarning, '--alert-warning-border': alert.borderWarning, '--alert-warning-icon': alert.iconColorWarning,
        '--alert-error-bg': alert.colorError, '--alert-error-border': alert.borderError, '--alert-error-icon': alert.iconColorError,
        '--empty-icon': empty.iconColor,
      };
      const actual = vars(name);
      for (const [k, v] of Object.entries(expected)) expect(actual[k], k).toBe(v);
    });
  }

  test('both themes define the same variables', () => {
    expect(Object.keys(vars('dark')).sort()).toEqual(Object.keys(vars('light')).sort());
    expect(Object.keys(vars('light')).length).toBeGreaterThan(30);
  });
});
