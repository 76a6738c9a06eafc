/**
 * Comparing a unit's pristine and patched objects function by function and object by object, with
 * numbering-free names, special-section entries, tolerated line moves, and callers promoted when a changed
 * static cannot be redirected; each decision says why. Uses {@code elf} and the special-section table.
 */
package dev.suture.patch.diff;
