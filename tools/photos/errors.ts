/** Why a photo was refused; each has a sentence a parent can act on. */
export type PhotoRejection =
  | 'not_an_image'
  | 'unsupported_type'
  | 'corrupt'
  | 'too_large'
  | 'too_many_pixels'
  | 'too_small'
  | 'odd_shape';

const SENTENCES = {
  not_an_image:
    "That file doesn't look like a photo. Please send a JPEG, PNG, WebP or iPhone (HEIC) photo.",
  unsupported_type:
    "We can't use that kind of file. Please send the photo as a JPEG, PNG, WebP or iPhone (HEIC) photo.",
  corrupt:
    "We couldn't open that photo: it may be damaged or only partly uploaded. Please try sending it again.",
  too_large: 'That file is too big (over 10 MB). Please send a smaller photo.',
  too_many_pixels:
    'That photo has far too many pixels for us to handle. Please send an ordinary phone photo or a screenshot of it.',
  too_small:
    "That photo is too small for us to see your child's face. Please send a larger one (at least 200 × 200 pixels).",
  odd_shape:
    "That photo is a very unusual shape. Please send an ordinary photo of your child's head and shoulders.",
} as const satisfies Record<PhotoRejection, string>;

/** A photo the club cannot use; `message` is a kind sentence to show the parent as it is. */
export class PhotoRejectedError extends Error {
  readonly code: PhotoRejection;
  constructor(code: PhotoRejection, options?: { cause?: unknown }) {
    super(SENTENCES[code], options);
    this.name = 'PhotoRejectedError';
    this.code = code;
  }
}
