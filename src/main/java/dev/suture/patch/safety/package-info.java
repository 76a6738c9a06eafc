/**
 * The rule book: every reason Suture refuses a fix, whichever front-end or step found it, as a
 * {@link dev.suture.patch.safety.Refusal} printed {@code rule: file:line: finding; remedy}. Source rules
 * (file kinds, struct layouts), unit rules (init code, notrace, deleted functions, data initializers, exported
 * signatures), function-file rules (unknown or ambiguous names, init, notrace) and the load-time relocation rule.
 */
package dev.suture.patch.safety;
