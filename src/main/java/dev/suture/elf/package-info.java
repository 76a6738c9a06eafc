/**
 * ELF64 x86-64 objects, our own: read, edit and write sections, symbols, relocations and notes, byte-exact
 * where nothing changed. Knows nothing of kernels or livepatch; uses only the JDK.
 */
package dev.suture.elf;
