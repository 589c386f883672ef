import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

/**
 * zxcvbn's estimate (dictionaries of common and leaked passwords, names, words, keyboard walks,
 * repeats, sequences, dates) instead of a hand-kept list. Score 3 is "safely unguessable:
 * moderate protection from an offline slow-hash scenario" (about 10^8 guesses and more).
 */
const estimator = new ZxcvbnFactory({
  translations: en.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...en.dictionary },
});

const ENOUGH = 3;
// zxcvbn's matching grows steeply with length (3.7 s for 1,024 characters); the first 64 are
// plenty to tell a weak password, and a longer one is only longer for the attacker.
const SCORED_LENGTH = 64;

/**
 * Why a password is too easy to guess, in zxcvbn's words, or null when it is strong enough.
 * `personal` is what the account itself shows (username, display name): a password made of it
 * scores 0.
 */
export function weakPasswordReason(password: string, personal: string[]): string | null {
  const result = estimator.check(password.slice(0, SCORED_LENGTH), personal);
  if (result.score >= ENOUGH) return null;
  const { warning, suggestions } = result.feedback;
  return [warning ?? "This password is too easy to guess.", ...suggestions].join(" ");
}
