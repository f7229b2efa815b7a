// Turning whatever the user picks into a display picture: a square part of the image, scaled to
// 96×96 and encoded as PNG in a canvas, so main receives one small, well-formed image and never a
// file the user happened to choose.

export const PICTURE_SIDE = 96;

export interface Crop {
  /** Top-left corner and side of the square, in the source image's pixels. */
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/** The largest centred square: what a picture becomes unless the user moves the selection. */
export function centredCrop(width: number, height: number): Crop {
  const side = Math.min(width, height);
  return { x: Math.round((width - side) / 2), y: Math.round((height - side) / 2), side };
}

/** A crop moved by (dx, dy) and resized to `side`, kept inside the image. */
export function adjustCrop(crop: Crop, width: number, height: number, dx: number, dy: number, side = crop.side): Crop {
  const s = Math.max(1, Math.min(Math.round(side), width, height));
  // Resizing keeps the square's centre where it was.
  const cx = crop.x + crop.side / 2 + dx;
  const cy = crop.y + crop.side / 2 + dy;
  const clamp = (v: number, max: number): number => Math.max(0, Math.min(Math.round(v), max));
  return { x: clamp(cx - s / 2, width - s), y: clamp(cy - s / 2, height - s), side: s };
}

/** Base64 PNG of the crop, 96×96. */
export function renderPicture(source: CanvasImageSource, crop: Crop): string {
  const canvas = document.createElement('canvas');
  canvas.width = PICTURE_SIDE;
  canvas.height = PICTURE_SIDE;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This window cannot draw pictures.');
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, crop.x, crop.y, crop.side, crop.side, 0, 0, PICTURE_SIDE, PICTURE_SIDE);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

export function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('That file is not a picture this window can open.'));
    image.src = url;
  });
}

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('That file could not be read.'));
    reader.readAsDataURL(file);
  });
}

/** An SVG element as a data: URL (the pages' policy allows data: images, not blob:). */
export function svgDataUrl(svg: SVGSVGElement): string {
  const bytes = new TextEncoder().encode(new XMLSerializer().serializeToString(svg));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
