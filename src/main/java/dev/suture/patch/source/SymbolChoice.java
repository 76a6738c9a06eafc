package dev.suture.patch.source;

/** The user's pick of one among several same-named symbols the new code refers to. */
public record SymbolChoice(String object, String name, int position, int line) {
}
