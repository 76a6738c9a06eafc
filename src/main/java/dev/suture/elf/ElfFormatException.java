package dev.suture.elf;

import java.io.IOException;

/** The file is not an ELF object this package can read, or its headers point outside the file. */
class ElfFormatException extends IOException {
    public ElfFormatException(String message) {
        super(message);
    }
}
