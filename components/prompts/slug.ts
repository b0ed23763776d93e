/** Prompt ids are at most this long (core's promptIdSchema). */
const MAX_ID_LENGTH = 100;

/**
 * The id a new prompt gets from its name: lowercase ASCII letters and digits, other runs of
 * characters as one "-", accents dropped ("Café reply" → "cafe-reply"). Empty when the name has
 * no letter or digit to keep.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_ID_LENGTH)
    .replace(/^-+|-+$/g, '');
}
