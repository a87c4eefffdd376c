import QRCode from "qrcode";

/** A QR code PNG for a URL: scanned by GitHub Mobile to open a remote session. */
export async function qrPng(text: string): Promise<Uint8Array> {
  return await QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "M", margin: 2, scale: 6 });
}
