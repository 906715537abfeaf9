/**
 * Key patterns and the guard that keeps secret and restricted keys out of the page.
 * Pure: no imports of calls, widgets or ky. Shared with the build-time guard (`src/build/`).
 */
import { InvalidKeyError, SecretKeyError } from './errors.js';

/** `sk_`/`rk_`, then `test_`/`live_`: the start of a secret or restricted key. */
const KEY_START = '[sr]k_(?:test|live)_';

/**
 * Source of the pattern for a secret (`sk_`) or restricted (`rk_`) key, test or live; used case-insensitively, so
 * `SK_LIVE_…` counts. A key is such a token that starts at a boundary (the start of the text or a character other
 * than a letter, digit or `_`: `"Bearer sk_live_…"`, `"key=sk_test_…"`), or whose tail is key-like, 10 or more letters
 * and digits as in gitleaks' Stripe rule (`xsk_live_4eC39HqLyjWDarjtT1zdp7dc`). So ids that merely contain the
 * letters (`acct_risk_live_1`, an id ending `desk_live_2024`) are not keys. Shared with the build guard.
 */
export const SECRET_KEY_SOURCE = `(?:(?<![a-z0-9_])${KEY_START}[a-z0-9]|${KEY_START}[a-z0-9]{10})`;

const secretPattern = /* @__PURE__ */ new RegExp(SECRET_KEY_SOURCE, 'i');
const publishablePattern = /^pk_(test|live)_[A-Za-z0-9]+$/;

/** The safe prefix of a key whose first 8 characters are its kind and mode (`sk_live_`): those, then `…`. */
const prefixOf = (key: string): string => `${key.slice(0, 8)}…`;

/** The prefix of any key that is safe to show: `sk_live_…`; `…` for text that does not start like a key. Never more. */
export function maskKey(key: string): string {
  const match = /^[a-z]{2}_(?:test|live)_/i.exec(key.trim());
  return match ? prefixOf(match[0]) : '…';
}

/**
 * Finds a secret or restricted key in any text and returns its safe prefix (`sk_test_…`),
 * or `undefined`. Also looks inside percent-encoded text (`sk%5Ftest%5F…`).
 */
export function findSecret(text: string): string | undefined {
  let match = secretPattern.exec(text);
  if (!match && text.includes('%')) {
    try {
      match = secretPattern.exec(decodeURIComponent(text));
    } catch {
      // Malformed escapes: scan with the escapes of "_" undone instead.
      match = secretPattern.exec(text.replace(/%5f/gi, '_'));
    }
  }
  return match ? prefixOf(match[0]) : undefined;
}

/** A key in any text, `_` also percent-encoded (`sk%5Flive%5F…`), with whatever word characters follow it. */
const secretInText = /* @__PURE__ */ new RegExp(`${KEY_START.replaceAll('_', '(?:_|%5f)')}[a-z0-9][\\w%-]*`, 'gi');

/**
 * Replaces every secret or restricted key in `text` by its safe prefix (`sk_live_…`), for text from elsewhere
 * that may end up in an error: a server's message, status text or headers.
 */
export function redactSecrets(text: string): string {
  return text.replace(secretInText, (key) => prefixOf(key.replace(/%5f/gi, '_')));
}

/** Throws `SecretKeyError` when `value` holds a secret or restricted key. `where` names the place. */
export function assertNoSecret(value: string, where: string): void {
  const prefix = findSecret(value);
  if (prefix) throw new SecretKeyError(prefix, where);
}

/**
 * Checks a publishable key and returns it trimmed.
 * @throws SecretKeyError for an `sk_`/`rk_` key anywhere in the value.
 * @throws InvalidKeyError for anything else that is not `pk_test_…`/`pk_live_…`.
 */
export function assertPublishableKey(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidKeyError(value == null ? 'nothing' : `${typeof value == 'object' ? 'an' : 'a'} ${typeof value}`);
  assertNoSecret(value, 'publishableKey');
  const key = value.trim();
  if (!publishablePattern.test(key)) {
    throw new InvalidKeyError(key ? `a string of ${key.length} characters` : 'an empty string');
  }
  return key;
}
