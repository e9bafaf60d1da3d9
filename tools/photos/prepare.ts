import sharp from 'sharp';
import { detectPhotoType, isHeif, type PhotoType } from './detect.ts';
import { PhotoRejectedError } from './errors.ts';
import { createWasmHeicDecoder, type HeicDecoder } from './heic.ts';

export type PrepareOptions = {
  /** The longest side of the stored JPEG (default 1600 px); smaller photos are not enlarged. */
  maxSide?: number;
  /** JPEG quality, 1–100 (default 85). */
  quality?: number;
  /** Refused before decoding above this many pixels (default 50 MP). */
  maxPixels?: number;
  /** Refused above this many bytes (default 10 MB; the server also stops reading there). */
  maxBytes?: number;
  /** Refused when either side is shorter (default 200 px). */
  minSide?: number;
  /** Refused when the long side is more than this many times the short one (default 3). */
  maxAspect?: number;
  /** Where HEIC/HEIF is decoded (default: one shared WASM worker thread). */
  heic?: HeicDecoder;
  signal?: AbortSignal;
};

/** A photo ready to store: an upright JPEG with no metadata at all. */
export type PreparedPhoto = {
  jpeg: Uint8Array;
  width: number;
  height: number;
  sourceType: PhotoType;
};

let sharedHeicDecoder: HeicDecoder | undefined;
const defaultHeicDecoder = () => (sharedHeicDecoder ??= createWasmHeicDecoder());

/**
 * Decodes the whole photo and turns it into an upright JPEG (EXIF orientation or HEIF irot
 * applied exactly once), without EXIF, GPS, XMP, ICC profile or comments, its longest side
 * bounded. Throws PhotoRejectedError for anything the club cannot use, before any decoding
 * when the header already says so.
 */
export async function preparePhoto(
  bytes: Uint8Array,
  options: PrepareOptions = {},
): Promise<PreparedPhoto> {
  const maxPixels = options.maxPixels ?? 50_000_000;
  if (bytes.length > (options.maxBytes ?? 10 * 1024 * 1024)) {
    throw new PhotoRejectedError('too_large');
  }
  const sourceType = await detectPhotoType(bytes);
  checkSize(await headerSize(bytes), { ...options, maxPixels });
  const maxSide = options.maxSide ?? 1600;
  const quality = options.quality ?? 85;
  const decoded = isHeif(sourceType)
    ? await (options.heic ?? defaultHeicDecoder()).decode(bytes, options.signal, {
        maxSide,
        quality,
      })
    : null;
  options.signal?.throwIfAborted();
  // The WASM pool finishes the JPEG in its own thread: nothing is left to do here.
  if (decoded?.kind === 'jpeg') {
    const { data: jpeg, width, height } = decoded;
    return { jpeg, width, height, sourceType };
  }
  const input = { limitInputPixels: maxPixels, failOn: 'warning' } as const;
  // HEIF arrives upright from its decoder; anything else is turned by its EXIF orientation.
  const image = !decoded
    ? sharp(bytes, input).autoOrient()
    : decoded.kind === 'rgba'
      ? sharp(decoded.data, {
          ...input,
          raw: { width: decoded.width, height: decoded.height, channels: 4 },
        })
      : sharp(decoded.data, input);
  try {
    // sharp writes no metadata unless asked to (no withMetadata/keepExif/keepIccProfile here),
    // and converts to sRGB before dropping the ICC profile.
    const { data, info } = await image
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: new Uint8Array(data), width: info.width, height: info.height, sourceType };
  } catch (cause) {
    throw new PhotoRejectedError('corrupt', { cause });
  }
}

/** The image's size from its header alone (for HEIF, after irot), without decoding pixels. */
async function headerSize(bytes: Uint8Array) {
  try {
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!width || !height) throw new Error('No size in the header');
    return { width, height };
  } catch (cause) {
    throw new PhotoRejectedError('corrupt', { cause });
  }
}

function checkSize(
  { width, height }: { width: number; height: number },
  limits: PrepareOptions & { maxPixels: number },
) {
  if (width * height > limits.maxPixels) throw new PhotoRejectedError('too_many_pixels');
  const [short, long] = width < height ? [width, height] : [height, width];
  if (short < (limits.minSide ?? 200)) throw new PhotoRejectedError('too_small');
  if (long / short > (limits.maxAspect ?? 3)) throw new PhotoRejectedError('odd_shape');
}

/** Ends the shared HEIC worker thread (at shutdown, or at the end of a test file). */
export async function closeSharedHeicDecoder() {
  const decoder = sharedHeicDecoder;
  sharedHeicDecoder = undefined;
  await decoder?.close();
}
