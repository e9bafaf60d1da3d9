import { PhotoRejectedError } from './errors.ts';

/** The photo types accepted, told apart by their first bytes rather than by the client's claim. */
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'image/heif';

// file-type names HEIF by its major brand: heic/heix → heic, hevc/hevx → heic-sequence,
// mif1 → heif, msf1 → heif-sequence. A sequence's first image is the photo.
const ACCEPTED: Record<string, PhotoType> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heic-sequence': 'image/heic',
  'image/heif': 'image/heif',
  'image/heif-sequence': 'image/heif',
};

const importFileType = () => import('file-type');
let fileType: ReturnType<typeof importFileType> | null = null;

/**
 * The photo type of `bytes` by magic bytes (file-type, loaded on the first photo); throws PhotoRejectedError `not_an_image` for unknown
 * content and `unsupported_type` for a known type that is not a photo we take (GIF, AVIF, PDF, …).
 * Matching magic bytes prove nothing about the rest: preparePhoto still decodes every image.
 */
export async function detectPhotoType(bytes: Uint8Array): Promise<PhotoType> {
  const found =
    bytes.length > 0
      ? await (await (fileType ??= importFileType())).fileTypeFromBuffer(bytes)
      : undefined;
  if (!found) throw new PhotoRejectedError('not_an_image');
  const type = ACCEPTED[found.mime];
  if (!type) throw new PhotoRejectedError('unsupported_type');
  return type;
}

export const isHeif = (type: PhotoType) => type === 'image/heic' || type === 'image/heif';
