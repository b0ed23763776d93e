import 'server-only';
import { LoomError } from '@/lib/loom/core';

// What an upstream server says reaches the user's screen: never a whole page of it.

/** Upstream text shown in an error is cut here: enough for an API's own message, never a page. */
export const MAX_UPSTREAM_TEXT = 200;
const MAX_TITLE = 80;

const HTML_START = /^\s*(<!doctype html|<html|<head|<body|<\?xml|<[a-z][a-z0-9]*[\s>/])/i;

export const looksLikeHtml = (text: string): boolean => HTML_START.test(text);

/** A short, readable stand-in for an upstream body or message: an HTML page by its title, other text cut. */
export function summarizeUpstreamText(text: string): string {
  const html = /<(!doctype html|html|head|body|title)[\s>]/i.test(text) || looksLikeHtml(text);
  if (html) {
    const title = /<title[^>]*>([^<]*)</i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE);
    // The SDKs prefix the status ("502 <!DOCTYPE html>..."): keep a short prefix like that.
    const before = text.slice(0, text.indexOf('<')).trim();
    const prefix = before && before.length <= 20 ? `${before} ` : '';
    return `${prefix}${title ? `an HTML page titled "${title}"` : 'an HTML page'}`;
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_UPSTREAM_TEXT ? `${flat.slice(0, MAX_UPSTREAM_TEXT)}…` : flat;
}

function describeBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return 'an empty answer';
  if (typeof body === 'string') {
    return looksLikeHtml(body) ? summarizeUpstreamText(body) : 'text that is not JSON';
  }
  return 'JSON of another shape';
}

/**
 * The server answered, but not as the API does (a website, a proxy's error page, nothing): a
 * PROVIDER_ERROR saying what came back and where to look, never the body itself.
 */
export function notAnApiAnswer(provider: string, expected: string, body: unknown, hint: string): LoomError {
  return new LoomError(
    'PROVIDER_ERROR',
    `${provider}: the server answered with ${describeBody(body)} instead of ${expected}. ${hint}`,
    { provider },
  );
}
