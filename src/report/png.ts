import { Resvg } from '@resvg/resvg-js';

/**
 * A chart as PNG, for mail: clients do not show SVG. resvg draws it (a Rust renderer
 * shipped as a binary in its npm package), at twice the size for sharp screens, with
 * the system's fonts (Debian: fonts-dejavu-core); without any, the bars are drawn and
 * the text is not.
 */
export function svgToPng(svg: string, width: number): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: width * 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' });
  return resvg.render().asPng();
}
