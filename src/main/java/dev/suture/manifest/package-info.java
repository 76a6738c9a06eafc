/**
 * The contract between building and applying: the manifest every patch module carries in its
 * {@code .suture.manifest} section (target release and build id, replaced functions with their original code,
 * the fix's name and hash, and what it fixes: {@code Fixes}, a title and CVE ids), and reading it back from a
 * {@code .ko}. Uses only {@code elf}.
 */
package dev.suture.manifest;
