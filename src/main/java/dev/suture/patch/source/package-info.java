/**
 * Fixes as the user writes them: the fix's bytes read once ({@code FixSource}), function files with their
 * annotations (replacements, symbol choices, callbacks, shadow variables), and unified diffs (also git
 * format-patch mail) parsed and applied in memory to a kernel's pristine source. Uses {@code kernel.build} only
 * for the source tree's location.
 */
package dev.suture.patch.source;
