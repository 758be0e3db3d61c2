import { contrastRatio, DEFAULT_THEME, parseHexColor, themeColors } from './contrast';

describe(themeColors.name, () => {
  it('puts white text on a dark tenant colour and black text on a light one', () => {
    expect(themeColors('#336699')).toMatchObject({ background: '#336699', text: '#ffffff' });
    expect(themeColors('#ffe066')).toMatchObject({ background: '#ffe066', text: '#000000' });
  });

  it.each(['#000000', '#ffffff', '#777777', '#767676', '#ff0000', '#00ff00', '#0000ff', '#ffff00', '#f80', '#18a0fb'])(
    'keeps at least 4.5:1 for %s',
    (color) => {
      const { background, text, ratio } = themeColors(color);
      expect(ratio).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(parseHexColor(background)!, parseHexColor(text)!)).toBeCloseTo(ratio, 6);
    },
  );

  it('falls back to the default colour for anything that is not a hex colour', () => {
    for (const bad of [null, undefined, '', 'red', 'rgb(0,0,0)', '#12345', 'url(x)'])
      expect(themeColors(bad).background).toBe(DEFAULT_THEME);
  });
});

describe(contrastRatio.name, () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    // #767676 is the lightest grey that passes AA on white; #777777 just fails.
    expect(contrastRatio(parseHexColor('#767676')!, [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(parseHexColor('#777777')!, [255, 255, 255])).toBeLessThan(4.5);
  });
});
