// SVG to PNG with resvg (Rust, shipped as prebuilt binaries inside npm packages: no system library,
// no download at install time). Loaded on demand so SVG output never depends on it.
import { SweepError, SweepErrorCode } from './errors.ts'

/** Renders an SVG document to PNG bytes. Text uses the system's fonts (DejaVu Sans if present). */
export async function svgToPng(svg: string, options: { width?: number } = {}): Promise<Buffer> {
  let resvgModule: typeof import('@resvg/resvg-js')
  try {
    resvgModule = await import('@resvg/resvg-js')
  } catch (err) {
    throw new SweepError(
      SweepErrorCode.Render,
      `PNG output needs @resvg/resvg-js, which has no binary for this platform (${(err as Error).message}); write an .svg instead`,
      {
        cause: err,
      },
    )
  }
  const resvg = new resvgModule.Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    ...(options.width !== undefined ? { fitTo: { mode: 'width' as const, value: options.width } } : {}),
  })
  return resvg.render().asPng()
}
