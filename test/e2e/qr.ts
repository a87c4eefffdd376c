import jsQRModule from "jsqr";
import { PNG } from "pngjs";

// jsqr is CommonJS with an ESM-style `default` in its types: take the function either way.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

/** Reads a QR code PNG back to its text, as a phone camera would. */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}
