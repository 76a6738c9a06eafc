/**
 * The {@code suture} command: one class per subcommand (picocli), human output and {@code --json}, the
 * {@code --target} option turned into a channel, and the terminal progress bar. The only package that knows
 * every other; nothing depends on it.
 */
package dev.suture.cli;
