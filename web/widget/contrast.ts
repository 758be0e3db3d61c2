/** WCAG 2.x contrast, so any tenant colour gets a text colour that stays readable (≥ 4.5:1). */
export type Rgb = [number, number, number];

export const DEFAULT_THEME = '#4338ca';

/** `#rgb` or `#rrggbb`; anything else is null (the widget then uses its default colour). */
export function parseHexColor(value: string | null | undefined): Rgb | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value ?? '').trim());
  if (!m) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  const [lr, lg, lb] = [r, g, b].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

/**
 * The tenant colour as a background and the text colour to put on it: white or black, whichever contrasts more.
 * One of the two always reaches 4.58:1, so every colour passes WCAG AA for normal text.
 */
export function themeColors(color: string | null | undefined): { background: string; text: string; ratio: number } {
  const rgb = parseHexColor(color) ?? (parseHexColor(DEFAULT_THEME) as Rgb);
  const onWhite = contrastRatio(rgb, WHITE);
  const onBlack = contrastRatio(rgb, BLACK);
  const background = `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  return onWhite >= onBlack
    ? { background, text: '#ffffff', ratio: onWhite }
    : { background, text: '#000000', ratio: onBlack };
}
